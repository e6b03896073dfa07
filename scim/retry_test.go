package scim

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"5", 5 * time.Second, true},
		{" 12 ", 12 * time.Second, true},
		{"0", 0, true},
		{"0.2", 200 * time.Millisecond, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"-3", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	tests := []struct {
		n        int
		min, max time.Duration
	}{
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{2, 200 * time.Millisecond, 400 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{6, 3200 * time.Millisecond, 6400 * time.Millisecond},
		{7, 5 * time.Second, 10 * time.Second},
		{50, 5 * time.Second, 10 * time.Second},
	}
	for _, tt := range tests {
		lo, hi := backoff(tt.n, func() float64 { return 0 }), backoff(tt.n, func() float64 { return 0.999999 })
		if lo != tt.min || hi < tt.min || hi > tt.max {
			t.Errorf("backoff(%d) spans [%v, %v], want [%v, %v]", tt.n, lo, hi, tt.min, tt.max)
		}
	}
}

func TestRetryableTransportError(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{io.EOF, true},
		{io.ErrUnexpectedEOF, true},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{syscall.ECONNREFUSED, true},
		{fmt.Errorf("tls: %w", x509.UnknownAuthorityError{}), false},
		{x509.HostnameError{Host: "x"}, false},
		{errors.New("anything else"), true},
	}
	for _, tt := range tests {
		if got := retryableTransportError(tt.err); got != tt.want {
			t.Errorf("retryableTransportError(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
