package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// PortInUseError means the loopback redirect port is taken by another program.
type PortInUseError struct {
	Port int
	Err  error
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d for the OAuth redirect is already in use by another program: stop it, or set slack.redirect_port to a free port and register http://localhost:<port>/callback as a Redirect URL in the Slack app", e.Port)
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// loopbackTarget reports whether redirect is served on this machine, and where.
func loopbackTarget(redirect string) (port int, path string, ok bool) {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" {
		return 0, "", false
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
	default:
		return 0, "", false
	}
	port, err = strconv.Atoi(u.Port())
	if err != nil || port <= 0 {
		return 0, "", false
	}
	path = u.Path
	if path == "" {
		path = "/"
	}
	return port, path, true
}

type loopbackServer struct {
	srv       *http.Server
	listeners []net.Listener
}

// startLoopback listens on 127.0.0.1 and, where the machine has IPv6, ::1:
// browsers resolve "localhost" to either. Only a callback carrying this
// run's state is delivered: any web page can send the browser to this
// address, and a forged callback must not end the wait for the genuine one.
// Each ignored callback's error code ("" when it had none) goes to ignored.
func startLoopback(port int, path, state string, results chan<- delivery, ignored chan<- string) (*loopbackServer, error) {
	var lns []net.Listener
	for _, addr := range []string{"127.0.0.1", "::1"} {
		ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				for _, l := range lns {
					l.Close()
				}
				return nil, &PortInUseError{Port: port, Err: err}
			}
			if addr == "::1" {
				continue
			}
			return nil, fmt.Errorf("listening for the OAuth redirect on port %d (slack.redirect_port): %w", port, err)
		}
		lns = append(lns, ln)
	}
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		cb, ok := parseCallback(r.URL.Query())
		if !ok {
			writeResultPage(w, http.StatusBadRequest, false, "Not an authorization callback",
				"This address only receives Slack's redirect after you click Allow.")
			return
		}
		if !sameState(cb.state, state) {
			select {
			case ignored <- cb.errCode:
			default:
			}
			writeResultPage(w, http.StatusBadRequest, false, "Not this authorization",
				"This link does not belong to the authorization slackprov is waiting for, so it was ignored. Finish the authorization in the browser tab slackprov opened.")
			return
		}
		first := false
		once.Do(func() { first = true })
		if !first {
			writeResultPage(w, http.StatusConflict, false, "Already handled",
				"slackprov accepts only the first redirect of each run. Check the terminal.")
			return
		}
		reply := make(chan error, 1)
		results <- delivery{cb: cb, reply: reply}
		select {
		case err := <-reply:
			if err != nil {
				writeResultPage(w, http.StatusOK, false, "Authorization failed", err.Error())
				return
			}
			writeResultPage(w, http.StatusOK, true, "slackprov is authorized", "The token is stored on your machine.")
		case <-r.Context().Done():
		case <-time.After(time.Minute):
			writeResultPage(w, http.StatusOK, false, "Still working", "Check the terminal for the outcome.")
		}
	})
	s := &loopbackServer{
		srv:       &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		listeners: lns,
	}
	for _, ln := range lns {
		go func() { _ = s.srv.Serve(ln) }()
	}
	return s, nil
}

// close lets the result page finish rendering, then stops listening.
func (s *loopbackServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
}
