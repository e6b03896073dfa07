package commands

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A sync that outlives its 12-hour rotating token keeps working: the SCIM
// client asks for the token before every request, the provider refreshes
// it, and the stored refresh token is the latest one Slack issued.
func TestSyncAcrossTokenExpiry(t *testing.T) { forSCIMVersions(t, testSyncAcrossTokenExpiry) }

func testSyncAcrossTokenExpiry(t *testing.T, version string) {
	w := newAuthWorld(t, "")
	w.writeConfig(fmt.Sprintf("profiles:\n  fast:\n    slack:\n      scim_url: %s/scim/%s/\n      rate_share: 100\n", w.server.URL, version))
	w.profile = "fast"
	if code, out, errOut := w.run("", authGoBrowser(t, "allow", nil), "authorize", "--insecure-storage"); code != 0 {
		t.Fatalf("authorize exit %d\n%s\n%s", code, out, errOut)
	}
	var people []string
	for i := 0; i < 40; i++ {
		people = append(people, fmt.Sprintf(`{"id":"u%02d","userPrincipalName":"p%02d@acme.test","mail":"p%02d@acme.test","givenName":"P","surname":"N%02d","accountEnabled":true}`, i, i, i, i))
	}
	authWrite(t, filepath.Join(w.dir, "people.json"), `{"users":[`+strings.Join(people, ",")+`]}`)

	refreshesBefore := w.oauth.Refreshes()
	// Half a day passes in the middle of the apply.
	go func() {
		for w.slack.Stats().AppliedWrites < 10 {
			time.Sleep(time.Millisecond)
		}
		w.advance(13 * time.Hour)
	}()
	if code, out, errOut := w.run("", nil, "sync", "--yes"); code != 0 {
		t.Fatalf("sync exit %d\n%s\n%s", code, out, errOut)
	}
	if n := len(w.slack.Users()); n != 40 {
		t.Fatalf("%d of 40 users in Slack", n)
	}
	if w.oauth.Refreshes() == refreshesBefore {
		t.Fatal("the token was never refreshed, so the test did not span an expiry")
	}
	w.assertLatestRefreshStored()
	w.assertNoTokenPrinted()
}
