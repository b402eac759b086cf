package safefile

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// BenchmarkWriteManyAtOnce is the end of a 200-directory s3fs apply: a credentials file per
// bucket, all written at once into one new folder.
//
//	go test ./internal/safefile -run '^$' -bench WriteManyAtOnce -benchtime 10x
func BenchmarkWriteManyAtOnce(b *testing.B) {
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "s3fs")
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Go(func() {
				if _, err := Write(filepath.Join(dir, fmt.Sprintf("passwd-s3fs-bucket-%03d", i)), "bucket:AKIAEXAMPLE:secretsecretsecret\n", 0o600); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
}
