package buckets

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/assetwiz/assetwiz/steps"
)

// NewPlanClient is the client plan and apply use (Live): no retry in the SDK.
func NewPlanClient(ctx context.Context, a *steps.Answers) (*s3.Client, error) {
	return newClient(ctx, a, func(string) string { return "" }, 0, 1)
}
