package awsclient

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With no keys anywhere, the chain ends at the instance-metadata endpoint. One that refuses
// the IMDSv2 token makes the SDK fall back to IMDSv1 and log a WARN line to stderr, across
// the wizard's screen: nothing of the SDK's may reach stderr, and the error says which keys to set.
func TestCredentialChainWritesNothingToStderr(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut { // the IMDSv2 token
			w.WriteHeader(http.StatusForbidden)
			return
		}
		http.NotFound(w, r)
	}))
	defer imds.Close()
	home := t.TempDir()
	for k, v := range map[string]string{
		"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL, "AWS_EC2_METADATA_DISABLED": "",
		"HOME": home, "AWS_CONFIG_FILE": filepath.Join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "none"),
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	} {
		t.Setenv(k, v)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	_, chainErr := CredentialChain(context.Background(), "eu-west-1", "S3_ACCESS_KEY and S3_SECRET_KEY")
	os.Stderr = stderr
	w.Close()
	written, _ := io.ReadAll(r)
	if len(written) > 0 {
		t.Errorf("the credential chain wrote to stderr:\n%s", written)
	}
	if chainErr == nil || !strings.Contains(chainErr.Error(), "set S3_ACCESS_KEY and S3_SECRET_KEY") {
		t.Errorf("error %v, want one naming the keys to set", chainErr)
	}
}
