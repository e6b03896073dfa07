package entra

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Retry policy for 429, 503 and 504: Retry-After when Graph sends it, else
// exponential backoff from 1 s doubling to at most 32 s, with jitter.
const (
	maxRetries  = 8
	backoffBase = time.Second
	backoffMax  = 32 * time.Second
	// maxRetryAfter caps a single wait, so a broken header cannot stall a run.
	maxRetryAfter = 5 * time.Minute
)

// graphClient is a minimal Microsoft Graph v1.0 client: GET with a bearer
// token, retries on throttling, Graph's error envelope, and paging.
type graphClient struct {
	base     *url.URL // scheme and host (and any path prefix) of Graph
	cred     azcore.TokenCredential
	scope    string
	http     *http.Client
	sleep    func(context.Context, time.Duration) error
	requests atomic.Int64
}

// GraphError is an error answer from Graph.
type GraphError struct {
	Method, Path string // the request, without its query
	Status       int
	Code         string // Graph's error.code, e.g. Authorization_RequestDenied
	Message      string
	RequestID    string
	// Permission is the application permission the call needs, named so a
	// 403 says what to grant.
	Permission string
}

func (e *GraphError) Error() string {
	msg := fmt.Sprintf("Microsoft Graph %s %s: %d %s: %s", e.Method, e.Path, e.Status, e.Code, e.Message)
	if e.Status == http.StatusForbidden && e.Permission != "" {
		msg += fmt.Sprintf(" (the app needs the %s application permission with admin consent)", e.Permission)
	}
	if e.RequestID != "" {
		msg += " [request-id " + e.RequestID + "]"
	}
	return msg
}

// Is makes 401 and 403 answers match ErrAuth.
func (e *GraphError) Is(target error) bool {
	return target == ErrAuth && e.Credentials()
}

// Credentials reports a 401 or 403: the app's credentials or permissions,
// not the request, are the problem.
func (e *GraphError) Credentials() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// isExpiredDelta reports the answers that mean "start the delta over": 410
// Gone, or syncStateNotFound / resyncRequired in any capitalisation.
func isExpiredDelta(err error) bool {
	var ge *GraphError
	if !errors.As(err, &ge) {
		return false
	}
	return ge.Status == http.StatusGone || strings.EqualFold(ge.Code, "syncStateNotFound") || strings.EqualFold(ge.Code, "resyncRequired")
}

func isNotFound(err error) bool {
	var ge *GraphError
	return errors.As(err, &ge) && ge.Status == http.StatusNotFound
}

// url builds an absolute Graph v1.0 URL from a path and query.
func (c *graphClient) url(path string, q url.Values) string {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1.0/" + strings.TrimPrefix(path, "/")
	u.RawQuery = strings.ReplaceAll(q.Encode(), "%24", "$")
	return u.String()
}

// get fetches rawURL into out. Links Graph hands back must point at the
// configured Graph host, so a bad link cannot carry the token elsewhere.
func (c *graphClient) get(ctx context.Context, rawURL, perm string, out any) error {
	return c.do(ctx, http.MethodGet, rawURL, nil, perm, out)
}

// do sends one Graph request (payload is a JSON body, for POST) and decodes
// the answer into out, retrying throttled requests.
func (c *graphClient) do(ctx context.Context, method, rawURL string, payload []byte, perm string, out any) error {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.EqualFold(u.Scheme, c.base.Scheme) || !strings.EqualFold(u.Host, c.base.Host) {
		return fmt.Errorf("entra: Graph returned a link to %q, outside the configured Graph URL %s; refusing to follow it", rawURL, c.base)
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{c.scope}})
		if err != nil {
			return fmt.Errorf("%w: get a token for Microsoft Graph: %w", ErrAuth, err)
		}
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
		if err != nil {
			return fmt.Errorf("entra: build request: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		req.Header.Set("Accept", "application/json")
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		c.requests.Add(1)
		resp, err := c.http.Do(req)
		if err != nil {
			return fmt.Errorf("entra: Microsoft Graph %s %s: %w", method, u.Path, err)
		}
		respBody, readErr := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if readErr != nil {
			return fmt.Errorf("entra: Microsoft Graph %s %s: reading the answer: %w", method, u.Path, readErr)
		}
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal(respBody, out); err != nil {
				return fmt.Errorf("entra: Microsoft Graph %s %s: the answer is not the expected JSON: %w", method, u.Path, err)
			}
			return nil
		}
		gerr := parseGraphError(resp, respBody, u.Path, perm)
		gerr.Method = method
		retryable := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable ||
			resp.StatusCode == http.StatusGatewayTimeout
		if !retryable {
			return gerr
		}
		if attempt >= maxRetries {
			return fmt.Errorf("entra: still throttled after %d retries: %w", maxRetries, gerr)
		}
		if err := c.sleep(ctx, retryDelay(resp.Header.Get("Retry-After"), attempt)); err != nil {
			return err
		}
	}
}

// retryDelay honours Retry-After (seconds, decimals accepted) or backs off
// exponentially with up to 20% jitter.
func retryDelay(header string, attempt int) time.Duration {
	if secs, err := strconv.ParseFloat(strings.TrimSpace(header), 64); err == nil && secs >= 0 {
		return min(time.Duration(secs*float64(time.Second)), maxRetryAfter)
	}
	d := min(backoffBase<<attempt, backoffMax)
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

func parseGraphError(resp *http.Response, body []byte, path, perm string) *GraphError {
	ge := &GraphError{Method: http.MethodGet, Path: path, Status: resp.StatusCode, Permission: perm,
		RequestID: resp.Header.Get("request-id")}
	var env struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				RequestID string `json:"request-id"`
			} `json:"innerError"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && env.Error.Code != "" {
		ge.Code, ge.Message = env.Error.Code, env.Error.Message
		if ge.RequestID == "" {
			ge.RequestID = env.Error.InnerError.RequestID
		}
	} else {
		ge.Code = http.StatusText(resp.StatusCode)
		ge.Message = strings.TrimSpace(string(body[:min(len(body), 300)]))
	}
	return ge
}

// page is one page of a Graph collection, its items decoded straight into T.
type page[T any] struct {
	Value     []T    `json:"value"`
	NextLink  string `json:"@odata.nextLink"`
	DeltaLink string `json:"@odata.deltaLink"`
}

// each follows @odata.nextLink verbatim to the end, calling fn for every
// item, and returns the final @odata.deltaLink (empty for plain lists).
func each[T any](ctx context.Context, c *graphClient, first, perm string, fn func(*T) error) (string, error) {
	next := first
	for next != "" {
		var p page[T]
		if err := c.get(ctx, next, perm, &p); err != nil {
			return "", err
		}
		for i := range p.Value {
			if err := fn(&p.Value[i]); err != nil {
				return "", err
			}
		}
		if p.NextLink == "" {
			return p.DeltaLink, nil
		}
		next = p.NextLink
	}
	return "", nil
}
