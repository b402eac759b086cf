package backup

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/provision"
	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/steps"
)

// A backup bucket is never public. One made public out of band (a policy statement that
// allows everyone, an ACL grant to all users) is planned back to private, and fails verify
// until it is.

// publicFixes reads an existing backup bucket's public access and plans it back to private:
// a public ACL makes the bucket's own action an update to the private ACL; public policy
// statements are removed by a policy update (the others kept).
func publicFixes(ctx context.Context, c *s3.Client, name string, bucket *provision.Action) ([]provision.Action, error) {
	grants, err := buckets.PublicAccess(ctx, c, name)
	if err != nil {
		return nil, fmt.Errorf("backup bucket %s: cannot tell whether it is public: %w", name, err)
	}
	var acl, policy []string
	for _, g := range grants {
		if g.Policy {
			policy = append(policy, g.What)
		} else {
			acl = append(acl, g.What)
		}
	}
	if len(acl) > 0 {
		bucket.Op = provision.Update
		bucket.Detail += "; " + strings.Join(acl, ", ") + " → private"
		bucket.Do = func(ctx context.Context) error { return buckets.MakeACLPrivate(ctx, c, name) }
	}
	if len(policy) == 0 {
		return nil, nil
	}
	return []provision.Action{{
		Resource: provision.BucketPolicy, ID: name, Op: provision.Update, After: []string{bucket.Key()},
		Detail: strings.Join(policy, ", ") + ": removed, other statements kept (a backup bucket is never public)",
		Do:     func(ctx context.Context) error { return buckets.RemovePublicStatements(ctx, c, name) },
	}}, nil
}

// Public is a line for each way a backup bucket is open to everyone: `assetwiz backup`
// copies nothing into a public backup bucket. A bucket whose access cannot be read is not
// one (the copy into it then fails on its own).
func Public(ctx context.Context, c *s3.Client, a *steps.Answers) []string {
	bbs := a.BackupBuckets()
	found := make([][]string, len(bbs)) // each bucket's read at once, the lines in the answers' order
	var wg sync.WaitGroup
	for i, bb := range bbs {
		wg.Go(func() {
			grants, err := buckets.PublicAccess(ctx, c, bb.Name)
			if err != nil {
				return
			}
			for _, g := range grants {
				found[i] = append(found[i], fmt.Sprintf("backup bucket %s: public: %s, and a backup bucket is never public; run assetwiz apply to make it private", bb.Name, g.What))
			}
		})
	}
	wg.Wait()
	return slices.Concat(found...)
}
