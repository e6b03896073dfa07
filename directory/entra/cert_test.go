package entra

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/entraid"
)

// testCert is a self-signed RSA certificate and its key, made per test so no
// key material lives in the repository.
type testCert struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
}

func newTestCert(t *testing.T, cn string) testCert {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	return testCert{cert: cert, key: key}
}

func (c testCert) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw})
}

// keyPEM encodes the key as PKCS#8 ("PRIVATE KEY", what openssl writes
// today) or PKCS#1 ("RSA PRIVATE KEY", older tools).
func (c testCert) keyPEM(t *testing.T, pkcs1 bool) []byte {
	t.Helper()
	if pkcs1 {
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(c.key)})
	}
	der, err := x509.MarshalPKCS8PrivateKey(c.key)
	must(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// writePEM writes certificate and key to one file, as
// AZURE_CLIENT_CERTIFICATE_PATH expects.
func (c testCert) writePEM(t *testing.T, pkcs1 bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "client.pem")
	must(t, os.WriteFile(path, append(c.certPEM(), c.keyPEM(t, pkcs1)...), 0o600))
	return path
}

// writePKCS12 exports the pair with openssl. extra picks the encryption;
// none means OpenSSL 3's defaults (AES-256, PBKDF2, SHA-256 MAC).
func (c testCert) writePKCS12(t *testing.T, password string, extra ...string) string {
	t.Helper()
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed; it is what makes the PKCS#12 file")
	}
	dir := t.TempDir()
	certFile, keyFile, out := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem"), filepath.Join(dir, "client.pfx")
	must(t, os.WriteFile(certFile, c.certPEM(), 0o600))
	must(t, os.WriteFile(keyFile, c.keyPEM(t, false), 0o600))
	args := append([]string{"pkcs12", "-export", "-in", certFile, "-inkey", keyFile, "-out", out, "-passout", "pass:" + password}, extra...)
	if b, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, b)
	}
	return out
}

// certEnv is a tenant whose app registration holds only the given
// certificate: no client secret is accepted. u1 and u2 are assigned through
// g1, u3 is not assigned.
func certEnv(t *testing.T, registered testCert) *env {
	t.Helper()
	v, err := entraid.NewCertificateVerifier(registered.cert)
	must(t, err)
	em := entraid.New(entraid.Options{ClientID: "client-1", ClientCertificate: v})
	for _, id := range []string{"u1", "u2", "u3"} {
		em.AddUser(entraid.User{ID: id, UserPrincipalName: id + "@contoso.com", DisplayName: id, AccountEnabled: true})
	}
	em.AddGroup("g1", "Engineering", "u1", "u2")
	must(t, em.AssignGroup("g1"))
	return newEnv(t, em)
}

// certSource builds a Source from the certificate variables only; every
// other credential variable is cleared so none can win instead.
func (e *env) certSource(path, password, sendChain string) (*Source, error) {
	e.t.Helper()
	for k, v := range map[string]string{
		"AZURE_CLIENT_SECRET": "", "AZURE_FEDERATED_TOKEN_FILE": "",
		"AZURE_CLIENT_CERTIFICATE_PATH": path, "AZURE_CLIENT_CERTIFICATE_PASSWORD": password,
		"AZURE_CLIENT_SEND_CERTIFICATE_CHAIN": sendChain,
	} {
		e.t.Setenv(k, v)
	}
	return New(Options{
		TenantID: e.em.TenantID(), ClientID: "client-1", AppID: e.em.AppID(),
		GraphURL: e.srv.URL, AuthorityHost: e.srv.URL, HTTPClient: e.srv.Client(),
	})
}

func TestCertificateCredentialReads(t *testing.T) {
	cert := newTestCert(t, "slackprov-test")
	cases := []struct {
		name      string
		path      func(t *testing.T) string
		password  string
		sendChain string
	}{
		{name: "PEM, PKCS#8 key", path: func(t *testing.T) string { return cert.writePEM(t, false) }},
		{name: "PEM, PKCS#1 key", path: func(t *testing.T) string { return cert.writePEM(t, true) }},
		{name: "PEM, send certificate chain", sendChain: "true", path: func(t *testing.T) string { return cert.writePEM(t, false) }},
		{name: "PKCS#12 with password, 3DES", password: "Pfx-9qv", path: func(t *testing.T) string {
			return cert.writePKCS12(t, "Pfx-9qv", "-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1")
		}},
		{name: "PKCS#12 with password, openssl -legacy", password: "Pfx-9qv", path: func(t *testing.T) string {
			return cert.writePKCS12(t, "Pfx-9qv", "-legacy")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := certEnv(t, cert)
			path := tc.path(t)
			s, err := e.certSource(path, tc.password, tc.sendChain)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if want := "client certificate (" + path + ")"; s.credName != want {
				t.Errorf("credential = %q, want %q", s.credName, want)
			}
			snap := e.read(s, false)
			if got, want := userIDs(snap.Users), []string{"u1", "u2"}; !reflect.DeepEqual(got, want) {
				t.Errorf("users = %v, want %v", got, want)
			}
			if n := e.em.Stats().Token; n != 1 {
				t.Errorf("token requests = %d, want 1 (the token is cached for the whole read)", n)
			}
		})
	}
}

func TestCertificateCredentialCheck(t *testing.T) {
	cert := newTestCert(t, "slackprov-test")
	e := certEnv(t, cert)
	path := cert.writePEM(t, false)
	s, err := e.certSource(path, "", "")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	res := s.Check(context.Background())
	if len(res) == 0 || res[0].Name != "Entra token" || !res[0].OK ||
		res[0].Detail != "acquired through client certificate ("+path+")" {
		t.Fatalf("token line = %+v, want OK and acquired through the client certificate at %s", res, path)
	}
	for _, r := range res {
		if !r.OK {
			t.Errorf("%s: not OK: %s", r.Name, r.Detail)
		}
	}
}

func TestUnregisteredCertificateIsRefused(t *testing.T) {
	registered, other := newTestCert(t, "registered"), newTestCert(t, "someone-else")
	e := certEnv(t, registered)
	path := other.writePEM(t, false)
	s, err := e.certSource(path, "", "")
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	_, err = s.Read(context.Background())
	if err == nil {
		t.Fatal("Read with a certificate the app does not hold succeeded")
	}
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "AADSTS700027") {
		t.Errorf("err = %v; want ErrAuth carrying the identity platform's AADSTS700027 (signature validation)", err)
	}
	if strings.Contains(err.Error(), "PRIVATE KEY") {
		t.Errorf("err leaks key material: %v", err)
	}
	if n := e.em.Stats().Graph; n != 0 {
		t.Errorf("Graph requests = %d, want 0 without a token", n)
	}

	res := s.Check(context.Background())
	if len(res) != 1 || res[0].Name != "Entra token" || res[0].OK ||
		!strings.Contains(res[0].Detail, "client certificate ("+path+")") || !strings.Contains(res[0].Fix, "AZURE_CLIENT_CERTIFICATE_PATH") {
		t.Errorf("Check = %+v; want only a failed token line naming the certificate, with a fix naming AZURE_CLIENT_CERTIFICATE_PATH", res)
	}
}

// A tenant whose app has only a certificate must not let a secret in, or the
// tests above could pass without the certificate being used.
func TestCertificateOnlyAppRefusesSecrets(t *testing.T) {
	e := certEnv(t, newTestCert(t, "registered"))
	s := e.source(nil)
	_, err := s.Read(context.Background())
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Fatalf("Read with a client secret: err = %v, want ErrAuth with AADSTS7000215 (invalid client secret)", err)
	}
}

func TestCertificateFileProblemsAreExplained(t *testing.T) {
	cert := newTestCert(t, "slackprov-test")
	legacy := []string{"-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"}
	cases := []struct {
		name     string
		path     func(t *testing.T) string
		password string
		want     []string
	}{
		{name: "certificate without key", path: func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "cert-only.pem")
			must(t, os.WriteFile(p, cert.certPEM(), 0o600))
			return p
		}, want: []string{"cert-only.pem", "private key"}},
		{name: "PKCS#12 with the wrong password", password: "Bad-4xr", path: func(t *testing.T) string {
			return cert.writePKCS12(t, "Good-7kd", legacy...)
		}, want: []string{"client.pfx", "AZURE_CLIENT_CERTIFICATE_PASSWORD does not open"}},
		{name: "PKCS#12 without its password", path: func(t *testing.T) string {
			return cert.writePKCS12(t, "Good-7kd", legacy...)
		}, want: []string{"client.pfx", "set AZURE_CLIENT_CERTIFICATE_PASSWORD"}},
		{name: "PKCS#12 with OpenSSL 3 default encryption", password: "Pfx-9qv", path: func(t *testing.T) string {
			return cert.writePKCS12(t, "Pfx-9qv")
		}, want: []string{"client.pfx", "-legacy"}},
		{name: "PEM with a password set", password: "Pem-2wz", path: func(t *testing.T) string {
			return cert.writePEM(t, false)
		}, want: []string{"client.pem", "unset AZURE_CLIENT_CERTIFICATE_PASSWORD"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := certEnv(t, cert)
			_, err := e.certSource(tc.path(t), tc.password, "")
			if err == nil {
				t.Fatal("New succeeded, want an error about the certificate file")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v; want it to mention %q", err, w)
				}
			}
			if tc.password != "" && strings.Contains(err.Error(), tc.password) {
				t.Errorf("err leaks the password: %v", err)
			}
		})
	}
}
