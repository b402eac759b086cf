package explain_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/assetwiz/assetwiz/provision/buckets"
	"github.com/assetwiz/assetwiz/provision/explain"
	"github.com/assetwiz/assetwiz/steps"
)

func check(t *testing.T, endpoint string) error {
	t.Helper()
	a := steps.Answers{Mode: "temporal", Application: "joomla", WebsiteURL: "www.example.com", Technique: "plugin",
		Storage: steps.Storage{Provider: "custom", Endpoint: endpoint},
		Secrets: steps.Secrets{S3AccessKey: "AKIDEXPLAIN", S3SecretKey: "explain/secret"}}
	a.Complete()
	err := buckets.CheckAccess(context.Background(), &a)
	if err == nil {
		t.Fatal("the check passed")
	}
	return err
}

// Each failure a newcomer meets when typing an endpoint, through the real S3 client: one
// line, naming the request and where it went, with the fix; the SDK's chain only with debug.
func TestTransportFailuresSayWhatToDo(t *testing.T) {
	t.Parallel()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := closed.Addr().String()
	closed.Close()

	for _, tc := range []struct {
		name, endpoint string
		want           []string
	}{
		{"scheme", strings.Replace(plain.URL, "http://", "https://", 1),
			[]string{"S3 HeadBucket to https://" + plain.Listener.Addr().String(), "plain HTTP", "http://"}},
		{"port", "http://" + refused, []string{"S3 HeadBucket to http://" + refused, "nothing listens", "check the port"}},
		{"dns", "https://no-such-host.invalid", []string{"no-such-host.invalid does not resolve", "check the host name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check(t, tc.endpoint)
			line := explain.Line(err, false)
			if strings.Contains(line, "\n") || strings.Contains(line, "exceeded maximum number of attempts") ||
				strings.Contains(line, "StatusCode: 0") {
				t.Errorf("not one plain line: %q", line)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("%q lacks %q", line, w)
				}
			}
			if !strings.HasPrefix(line, "bucket www-example-com-assets-images: ") {
				t.Errorf("%q does not name the bucket first", line)
			}
			if strings.Contains(line, "explain/secret") || strings.Contains(line, "AKIDEXPLAIN") {
				t.Error("a key was shown")
			}
			if debug := explain.Line(err, true); !strings.Contains(debug, err.Error()) {
				t.Errorf("--debug lacks the chain: %q", debug)
			}
		})
	}
}

// Issue 24 finding 8: when an action's time ran out between tries (no request under way, so
// no address in the error), the line read "no answer from  in time". It names no host then,
// and never an empty one.
func TestAStallOutOfTimeNamesNoEmptyHost(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // accept and never answer
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	a := steps.Answers{Mode: "temporal", Application: "joomla", WebsiteURL: "www.example.com", Technique: "plugin",
		Storage: steps.Storage{Provider: "custom", Endpoint: "http://" + l.Addr().String()},
		Secrets: steps.Secrets{S3AccessKey: "AKIDEXPLAIN", S3SecretKey: "explain/secret"}}
	a.Complete()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = buckets.CheckAccess(ctx, &a)
	line := explain.Line(err, false)
	if err == nil || strings.Contains(line, "from  ") || !strings.Contains(line, "in time") {
		t.Errorf("%q", line)
	}
}
