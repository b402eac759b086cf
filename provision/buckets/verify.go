package buckets

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/steps"
)

// VerifyKeyPrefix starts the key of the small object verify writes and removes again.
const VerifyKeyPrefix = ".assetwiz-verify-"

// Verify reads the buckets the way Plan does, and fails whenever Plan would change
// something: one failing check per action apply would carry out (a missing bucket is one).
// Each bucket that exists then round-trips a small object (put, get, compare, then delete
// the version it made by its id, so a versioned bucket is left as it was: no version, no
// marker). A bucket whose checks hold is one check saying what held.
func (l Live) Verify(ctx context.Context, a *steps.Answers) []provision.Check {
	bs := a.Buckets()
	if len(bs) == 0 {
		// No bucket to check, but what assetwiz made public for another technique may remain.
		var out []provision.Check
		for _, act := range l.leftoversOfLocal(ctx, a) {
			out = append(out, provision.Fail(string(act.Resource)+" "+act.ID, "apply would %s it (%s); run assetwiz apply", act.Op, act.Detail))
		}
		return out
	}
	p, err := l.Plan(ctx, a)
	if err != nil {
		return []provision.Check{provision.Fail("buckets", "%w", err)}
	}
	client, err := newClient(ctx, a, l.Getenv, l.AnswerTimeout, 1)
	if err != nil {
		return []provision.Check{provision.Fail("buckets", "%w", err)}
	}
	missing := map[string]bool{}
	failed := map[string][]provision.Check{}
	held := map[string][]string{} // what held, per bucket, in the plan's order
	for _, act := range p.Actions {
		switch {
		case missing[act.ID]:
		case act.Op == provision.Noop:
			if what := heldWords(act); what != "" {
				held[act.ID] = append(held[act.ID], what)
			}
		case act.Resource == provision.Bucket:
			missing[act.ID] = true
			failed[act.ID] = append(failed[act.ID], provision.Fail("bucket "+act.ID, "missing; run assetwiz apply to create it"))
		default:
			failed[act.ID] = append(failed[act.ID], provision.Fail(string(act.Resource)+" "+act.ID, "apply would %s it (%s); run assetwiz apply", act.Op, act.Detail))
		}
	}
	public := map[string]bool{} // the answers make these buckets public (the plugin's read-only policy)
	for _, act := range Desired(a).Actions {
		if act.Resource == provision.BucketPolicy {
			public[act.ID] = true
		}
	}
	trips := make([]string, len(bs))
	opened := make([][]provision.Check, len(bs))
	var wg sync.WaitGroup
	for i, b := range bs {
		if missing[b.Name] {
			continue
		}
		wg.Go(func() { trips[i] = roundTrip(ctx, client, b.Name) })
		if !public[b.Name] {
			wg.Go(func() { opened[i] = tooPublic(ctx, client, a, b.Name) })
		}
	}
	wg.Wait()
	var out []provision.Check
	for i, b := range bs {
		what := held[b.Name]
		if !missing[b.Name] {
			if trips[i] == "" {
				what = append(what, "round-trips an object")
			}
			if !public[b.Name] && len(opened[i]) == 0 {
				what = append(what, "not public")
			}
		}
		if len(what) > 0 {
			out = append(out, provision.Check{What: "bucket " + b.Name, Detail: strings.Join(what, ", ")})
		}
		out = append(out, failed[b.Name]...)
		out = append(out, opened[i]...)
		if trips[i] != "" {
			out = append(out, provision.Fail("bucket "+b.Name, "%s", trips[i]))
		}
	}
	return out
}

// heldWords says what a planned action that changes nothing shows to hold.
func heldWords(act provision.Action) string {
	switch act.Resource {
	case provision.Bucket:
		return "exists"
	case provision.BucketVersioning:
		return "versioning enabled"
	case provision.BucketLifecycle:
		return "lifecycle: " + act.Detail
	case provision.BucketCORS:
		return "CORS: " + act.Detail
	case provision.BucketPolicy:
		return "policy: public read-only"
	}
	return ""
}

// tooPublic is a failing check for each way a bucket the answers keep private is open to
// everyone, but assetwiz's own statement (the plan's delete of it is a failure already).
func tooPublic(ctx context.Context, c *s3.Client, a *steps.Answers, bucket string) []provision.Check {
	grants, err := PublicAccess(ctx, c, bucket)
	if err != nil {
		return []provision.Check{provision.Fail("bucket "+bucket, "cannot tell whether it is public: %s", explainShort(bucket, err))}
	}
	var out []provision.Check
	for _, g := range grants {
		if !g.Ours {
			out = append(out, provision.Fail("bucket "+bucket, "public: %s, though technique %s needs no public access; remove it (assetwiz removes only what it made)", g.What, a.Technique))
		}
	}
	return out
}

// roundTrip puts, reads back and deletes a small object; "" when all went well. It removes
// exactly what it made, once: the version its PUT made (by version id), or, where the PUT
// named none (versioning off), the object, and a delete marker if the server made one then.
func roundTrip(ctx context.Context, c *s3.Client, bucket string) (msg string) {
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	key := VerifyKeyPrefix + hex.EncodeToString(nonce)
	body := []byte("assetwiz verify " + key + "\n")
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err != nil {
		return "cannot write a test object: " + explainShort(bucket, err)
	}
	defer func() {
		if rm := removeMade(ctx, c, bucket, key, aws.ToString(put.VersionId)); msg == "" {
			msg = rm
		}
	}()
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
	return ""
}

// removeMade deletes the version verify's PUT made. With a version id, that version alone
// (deleting a version by id never makes a delete marker). Without one, a plain DELETE; a
// server that made a delete marker for it (versioning turned on meanwhile) names the marker,
// which is then deleted by its id too. "" when done.
func removeMade(ctx context.Context, c *s3.Client, bucket, key, versionID string) string {
	fail := func(err error) string {
		return "cannot delete the test object " + key + ": " + explainShort(bucket, err)
	}
	gone := func(err error) bool {
		return err == nil || isNotFound(err) || errorCode(err) == "NoSuchKey" || errorCode(err) == "NoSuchVersion"
	}
	in := &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := c.DeleteObject(ctx, in)
	if !gone(err) {
		return fail(err)
	}
	if err == nil && versionID == "" && aws.ToBool(out.DeleteMarker) && aws.ToString(out.VersionId) != "" {
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: out.VersionId})
		if !gone(err) {
			return fail(err)
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
