// Package notifytest holds an in-process SMTP relay for tests: STARTTLS
// with a throw-away certificate, AUTH PLAIN only after STARTTLS, and the
// delivered messages kept for assertions.
package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one delivered message, as the relay saw it.
type Mail struct {
	From     string
	To       []string
	Data     string // the raw message, headers and body
	User     string // the AUTH identity
	TLS      bool   // the session had completed STARTTLS
	TLSProto uint16
}

// SMTP is a running relay.
type SMTP struct {
	Host, Username, Password string
	Port                     int
	// ClientTLS trusts the relay's certificate, for the sender's TLSConfig.
	ClientTLS *tls.Config

	mu     sync.Mutex
	mails  []Mail
	arrive chan struct{}
}

// StartSMTP starts a relay on 127.0.0.1 that accepts user/password; it
// stops when the test ends.
func StartSMTP(t testing.TB, user, password string) *SMTP {
	t.Helper()
	cert, pool := certificate(t)
	s := &SMTP{Host: "127.0.0.1", Username: user, Password: password,
		ClientTLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, arrive: make(chan struct{}, 100)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{relay: s, conn: c}, nil
	}))
	srv.Domain = "relay.test"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.AllowInsecureAuth = false
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// Addr is host:port.
func (s *SMTP) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Mails returns what was delivered so far.
func (s *SMTP) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Wait returns once n messages were delivered, or fails the test at the deadline.
func (s *SMTP) Wait(t testing.TB, n int, within time.Duration) []Mail {
	t.Helper()
	deadline := time.After(within)
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrive:
		case <-deadline:
			t.Fatalf("SMTP relay: %d messages delivered within %s, want %d", len(s.Mails()), within, n)
		}
	}
}

type session struct {
	relay *SMTP
	conn  *smtp.Conn
	user  string
	mail  Mail
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.relay.Username || password != s.relay.Password {
			return errors.New("invalid username or password")
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.mail = Mail{From: from, User: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mail.To = append(s.mail.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	st, ok := s.conn.TLSConnectionState()
	s.mail.Data, s.mail.TLS, s.mail.TLSProto = string(b), ok, st.Version
	s.relay.mu.Lock()
	s.relay.mails = append(s.relay.mails, s.mail)
	s.relay.mu.Unlock()
	select {
	case s.relay.arrive <- struct{}{}:
	default: // a waiter re-reads Mails anyway
	}
	return nil
}

func (s *session) Reset()        { s.mail = Mail{} }
func (s *session) Logout() error { return nil }

// certificate makes a self-signed certificate for 127.0.0.1 and
// localhost, and a pool that trusts it.
func certificate(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "slackprov test relay"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
