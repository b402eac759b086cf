package awsclient

import (
	"net/http"
	"testing"
)

// At 200 buckets the plan has hundreds of requests to one host under way at once: the client
// must be able to keep every one of their connections for the next request. With the default
// total cap (100) the 101st idle connection was closed, and net/http could then fail the HEAD
// whose answer had come on it ("putIdleConn: too many idle connections"), failing the no-op
// re-apply of a 200-directory site.
func TestHTTPClientKeepsEveryParallelConnection(t *testing.T) {
	tr := HTTPClient("S3", DefaultAnswerTimeout).Transport.(boundedTransport).next.(*http.Transport)
	if tr.MaxIdleConns != 0 && tr.MaxIdleConns < tr.MaxIdleConnsPerHost {
		t.Errorf("MaxIdleConns %d below MaxIdleConnsPerHost %d: idle connections to one host are closed early", tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	}
	if tr.MaxIdleConnsPerHost < 256 {
		t.Errorf("MaxIdleConnsPerHost %d: fewer than the requests one host gets at once (provision.DefaultParallel, 256)", tr.MaxIdleConnsPerHost)
	}
	// Bounded (memory), but not below what one wave of the plan or of apply sends at once.
	if tr.MaxConnsPerHost < 256 {
		t.Errorf("MaxConnsPerHost %d: unbounded, or fewer than the actions run at once (256)", tr.MaxConnsPerHost)
	}
}
