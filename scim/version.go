package scim

import (
	"fmt"
	"net/url"
	"strings"
)

// endpoint is a SCIM base URL and the dialect spoken there.
type endpoint struct {
	base    *url.URL
	version string
	dialect dialect
}

func newEndpoint(base *url.URL, version string) *endpoint {
	ep := &endpoint{base: base, version: version, dialect: v2{}}
	switch version {
	case "v1":
		ep.dialect = v1{}
	case "2.0":
		ep.dialect = rfc{}
	}
	return ep
}

func (c *Client) endpoint() *endpoint { return c.ep.Load() }

// Version reports the SCIM dialect in use: "v1" or "v2" for Slack, "2.0"
// for a generic SCIM target.
func (c *Client) Version() string { return c.endpoint().version }

// BaseURL is the SCIM base the client sends to (it moves to /scim/v1/ when a
// v2 org answers only v1).
func (c *Client) BaseURL() string { return c.endpoint().base.String() }

// versionOf settles the dialect from the configured version and the URL: a
// path ending in /scim/v1/ is v1, anything else v2. A configured version
// that contradicts the URL is a mistake worth stopping for.
func versionOf(configured, path string, p *Profile) (string, error) {
	fromURL := "v2"
	if strings.HasSuffix(path, "/scim/v1/") {
		fromURL = "v1"
	}
	switch {
	case p != nil:
		if configured != "" {
			return "", fmt.Errorf("scim: a SCIM version (%q) applies to Slack only; a generic target speaks SCIM 2.0", configured)
		}
		return "2.0", nil
	case configured == "":
		return fromURL, nil
	case configured != "v1" && configured != "v2":
		return "", fmt.Errorf("scim: SCIM version %q is not v1 or v2", configured)
	case strings.HasSuffix(path, "/scim/v1/") || strings.HasSuffix(path, "/scim/v2/"):
		if configured != fromURL {
			return "", fmt.Errorf("scim: the SCIM URL says %s but the version is set to %s; make them agree (or leave the version unset)", fromURL, configured)
		}
	}
	return configured, nil
}

// switchToV1 moves the client from /scim/v2/ to /scim/v1/ after the org
// answered unsupported_version, which some org tokens get from v2 while v1
// works. It reports whether the request should be sent again.
func (c *Client) switchToV1(tried *endpoint, err error) bool {
	if !c.fallback || !IsCode(err, CodeUnsupportedVersion) {
		return false
	}
	c.epMu.Lock()
	defer c.epMu.Unlock()
	if cur := c.endpoint(); cur != tried {
		return cur.version == "v1" // another call already switched
	}
	if tried.version != "v2" {
		return false
	}
	next := *tried.base
	next.Path = strings.TrimSuffix(next.Path, "v2/") + "v1/"
	next.RawPath = ""
	c.ep.Store(newEndpoint(&next, "v1"))
	return true
}
