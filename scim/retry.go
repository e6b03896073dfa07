package scim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slackprov/slackprov/wire"
)

const (
	backoffBase = 200 * time.Millisecond
	backoffCap  = 10 * time.Second
	// defaultRetryAfter is the pause after a 429 that did not say how long to wait.
	defaultRetryAfter = time.Second
)

// parseRetryAfter reads a Retry-After header: integer seconds (Slack),
// decimal seconds (the emulator's sped-up clock) or an HTTP date. ok is false
// when the header is missing or unreadable.
func parseRetryAfter(h string, now time.Time) (d time.Duration, ok bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(h, 64); err == nil {
		if secs < 0 {
			return 0, true
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// backoff is the pause before retry number n (1-based): exponential from
// backoffBase, capped, with "equal jitter" so concurrent workers spread out
// while each still waits at least half the step.
func backoff(n int, rnd func() float64) time.Duration {
	d := backoffBase
	for i := 1; i < n && d < backoffCap; i++ {
		d *= 2
	}
	d = min(d, backoffCap)
	half := d / 2
	return half + time.Duration(rnd()*float64(half))
}

// retryableTransportError reports whether a request that failed without a
// response is worth repeating: resets, EOFs, timeouts and refused
// connections are; a certificate Slack will keep presenting is not. The
// caller checks its own context first.
func retryableTransportError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verify) || errors.Is(err, wire.ErrCleartext) {
		return false
	}
	return true
}

// retryableStatus reports answers worth repeating after a backoff: server
// errors, plus Slack's transient create failure and its group-update lock.
func retryableStatus(e *Error) bool {
	return e.Status >= 500 || e.Code == CodeInvitedUserNotCreated || e.Code == CodeResourceLocked
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
