// Package wiretest stands in for the network in tests that must show a
// request was never sent: it records every request that reaches it and
// sends none of them anywhere.
package wiretest

import (
	"errors"
	"net/http"
	"sync"
)

// Network is an http.RoundTripper that records and refuses.
type Network struct {
	mu   sync.Mutex
	seen []string
}

// RoundTrip records req and fails it.
func (n *Network) RoundTrip(req *http.Request) (*http.Response, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.seen = append(n.seen, req.Method+" "+req.URL.String())
	return nil, errors.New("the test network carries nothing")
}

// Client is an HTTP client whose only way out is n.
func (n *Network) Client() *http.Client { return &http.Client{Transport: n} }

// Requests lists the requests that reached the network, "METHOD URL".
func (n *Network) Requests() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.seen...)
}
