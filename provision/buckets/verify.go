package buckets

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// VerifyKeyPrefix starts the key of the small object verify writes and removes again.
const VerifyKeyPrefix = ".assetwiz-verify-"

// Verify reads the buckets the way Plan does, and fails whenever Plan would change
// something: one line per action apply would carry out (a missing bucket is one line). Each
// bucket that exists then round-trips a small object (put, get, compare, delete, every
// version of it so a versioned bucket is left as it was).
func (l Live) Verify(ctx context.Context, a *steps.Answers) []string {
	bs := a.Buckets()
	if len(bs) == 0 {
		return nil
	}
	p, err := l.Plan(ctx, a)
	if err != nil {
		return []string{"buckets: " + err.Error()}
	}
	client, err := newClient(ctx, a, l.Getenv, l.AnswerTimeout, 1)
	if err != nil {
		return []string{"buckets: " + err.Error()}
	}
	missing := map[string]bool{}
	lines := map[string][]string{}
	for _, act := range p.Actions {
		switch {
		case act.Op == provision.Noop || missing[act.ID]:
		case act.Resource == provision.Bucket:
			missing[act.ID] = true
			lines[act.ID] = append(lines[act.ID], "bucket "+act.ID+": missing; run assetwiz apply to create it")
		default:
			lines[act.ID] = append(lines[act.ID], fmt.Sprintf("%s %s: apply would %s it (%s); run assetwiz apply", act.Resource, act.ID, act.Op, act.Detail))
		}
	}
	trips := make([]string, len(bs))
	var wg sync.WaitGroup
	for i, b := range bs {
		if missing[b.Name] {
			continue
		}
		wg.Go(func() {
			if msg := roundTrip(ctx, client, b.Name); msg != "" {
				trips[i] = "bucket " + b.Name + ": " + msg
			}
		})
	}
	wg.Wait()
	var out []string
	for i, b := range bs {
		out = append(out, lines[b.Name]...)
		if trips[i] != "" {
			out = append(out, trips[i])
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
	data, err := io.ReadAll(io.LimitReader(got.Body, int64(len(body))+1)) // a longer answer differs; no need to read it all
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
