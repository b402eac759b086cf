package buckets

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/assetwiz/assetwiz/presets"
	"github.com/assetwiz/assetwiz/steps"
)

// VerifyKeyPrefix starts the key of the small object verify writes and removes again.
const VerifyKeyPrefix = ".assetwiz-verify-"

// Verify checks each bucket: it exists, a small object round-trips (put, get, compare,
// delete, every version of it so a versioned bucket is left as it was), and versioning is
// as asked. One line per thing that does not hold.
func (l Live) Verify(ctx context.Context, a *steps.Answers) []string {
	bs := a.Buckets()
	if len(bs) == 0 {
		return nil
	}
	client, err := NewClient(ctx, a, l.Getenv)
	if err != nil {
		return []string{"buckets: " + err.Error()}
	}
	prov, _ := presets.FindProvider(a.Storage.Provider)
	var out []string
	for _, b := range bs {
		out = append(out, verifyBucket(ctx, client, a, prov, b.Name)...)
	}
	return out
}

func verifyBucket(ctx context.Context, c *s3.Client, a *steps.Answers, prov presets.Provider, bucket string) []string {
	exists, err := bucketExists(ctx, c, bucket)
	switch {
	case err != nil:
		return []string{err.Error()}
	case !exists:
		return []string{"bucket " + bucket + ": missing; run assetwiz apply to create it"}
	}
	var out []string
	if msg := roundTrip(ctx, c, bucket); msg != "" {
		out = append(out, "bucket "+bucket+": "+msg)
	}
	if a.Versioned() && prov.Capabilities.Versioning {
		v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
		switch {
		case err != nil && isUnsupported(err):
		case err != nil:
			out = append(out, explain(bucket, err).Error())
		case v.Status != types.BucketVersioningStatusEnabled:
			status := string(v.Status)
			if status == "" {
				status = "never enabled"
			}
			out = append(out, fmt.Sprintf("bucket %s: versioning is %s, want Enabled; run assetwiz apply", bucket, status))
		}
	}
	return out
}

// roundTrip puts, reads back and deletes a small object; "" when all went well.
func roundTrip(ctx context.Context, c *s3.Client, bucket string) string {
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	key := VerifyKeyPrefix + hex.EncodeToString(nonce)
	body := []byte("assetwiz verify " + key + "\n")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		return "cannot write a test object: " + explainShort(bucket, err)
	}
	defer removeAllVersions(ctx, c, bucket, key)
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "cannot read back the test object: " + explainShort(bucket, err)
	}
	data, err := io.ReadAll(got.Body)
	got.Body.Close()
	if err != nil {
		return "cannot read back the test object: " + err.Error()
	}
	if !bytes.Equal(data, body) {
		return fmt.Sprintf("the test object read back differs from what was written (%d bytes, want %d)", len(data), len(body))
	}
	if msg := removeAllVersions(ctx, c, bucket, key); msg != "" {
		return msg
	}
	return ""
}

// removeAllVersions deletes the object and, in a versioned bucket, each of its versions and
// delete markers, so verify leaves nothing behind. "" when done.
func removeAllVersions(ctx context.Context, c *s3.Client, bucket, key string) string {
	list, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(key)})
	if err != nil {
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
			return "cannot delete the test object " + key + ": " + explainShort(bucket, err)
		}
		return ""
	}
	var ids []*string
	for _, v := range list.Versions {
		if aws.ToString(v.Key) == key {
			ids = append(ids, v.VersionId)
		}
	}
	for _, m := range list.DeleteMarkers {
		if aws.ToString(m.Key) == key {
			ids = append(ids, m.VersionId)
		}
	}
	if len(ids) == 0 {
		ids = []*string{nil}
	}
	for _, id := range ids {
		in := &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
		if v := aws.ToString(id); v != "" && v != "null" {
			in.VersionId = id
		}
		if _, err := c.DeleteObject(ctx, in); err != nil && !isNotFound(err) && errorCode(err) != "NoSuchKey" && errorCode(err) != "NoSuchVersion" {
			return "cannot delete the test object " + key + ": " + explainShort(bucket, err)
		}
	}
	return ""
}

// explainShort is explain without the leading "bucket NAME: ".
func explainShort(bucket string, err error) string {
	msg := explain(bucket, err).Error()
	if p := "bucket " + bucket + ": "; len(msg) > len(p) && msg[:len(p)] == p {
		return msg[len(p):]
	}
	return msg
}
