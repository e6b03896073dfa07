package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// ServiceProviderConfig fetches Slack's discovery document. Slack documents
// one spelling and serves another in places, so both are tried.
func (c *Client) ServiceProviderConfig(ctx context.Context) (map[string]any, error) {
	var lastErr error
	for _, p := range c.endpoint().dialect.serviceProviderConfigPaths() {
		body, err := c.do(ctx, request{method: "GET", resource: p})
		if err != nil {
			if !wrongPath(err) {
				return nil, err
			}
			lastErr = err
			continue
		}
		var cfg map[string]any
		if err := json.Unmarshal(body, &cfg); err != nil {
			return nil, fmt.Errorf("slack SCIM GET /%s: decoding answer: %w", p, err)
		}
		return cfg, nil
	}
	return nil, lastErr
}

// wrongPath reports an answer meaning "no such endpoint here", as opposed to
// a failure the other spelling would hit too.
func wrongPath(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed ||
		e.Code == CodeBadEndpoint || e.Code == CodeMethodNotAllowed
}
