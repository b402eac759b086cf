package transfer

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/assetwiz/assetwiz/provision/buckets/s3test"
)

// A marker that cannot be read says why in describe's words and keeps the provider's error
// in its chain, for errors.As.
func TestReadMarkerOfAMissingBucketKeepsTheProvidersError(t *testing.T) {
	srv := s3test.Start(t)
	_, found, err := ReadMarker(context.Background(), srv.Client(t), "no-such-bucket")
	if err == nil || found {
		t.Fatalf("found %v, err %v: want an error", found, err)
	}
	if want := "bucket no-such-bucket: the bucket does not exist; run assetwiz apply first"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchBucket" {
		t.Errorf("the chain lost the provider's error: errors.As found %v", ae)
	}
}
