package entraid

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// entraTokenLifetime is what the identity platform grants app-only tokens.
const entraTokenLifetime = 3599 * time.Second

// serveIdentity answers the two identity-platform endpoints MSAL uses with
// instance discovery off: the tenant's OpenID configuration and its token
// endpoint.
func (e *Tenant) serveIdentity(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 4 && parts[1] == "v2.0" && parts[2] == ".well-known" && parts[3] == "openid-configuration" && r.Method == http.MethodGet:
		e.count(func(s *Stats) { s.Metadata++ })
		if !e.tenantMatches(parts[0]) {
			entraAADError(w, http.StatusBadRequest, "invalid_tenant", 90002,
				fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", parts[0]))
			return
		}
		base := e.baseURL(r) + "/" + parts[0]
		entraJSON(w, http.StatusOK, map[string]any{
			"issuer":                                base + "/v2.0",
			"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
			"token_endpoint":                        base + "/oauth2/v2.0/token",
			"jwks_uri":                              base + "/discovery/v2.0/keys",
			"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
			"tenant_region_scope":                   "EU",
		})
	case len(parts) == 4 && parts[1] == "oauth2" && parts[2] == "v2.0" && parts[3] == "token" && r.Method == http.MethodPost:
		e.count(func(s *Stats) { s.Token++ })
		e.serveToken(w, r, parts[0])
	default:
		entraAADError(w, http.StatusNotFound, "invalid_request", 900561, "The endpoint only accepts the documented paths.")
	}
}

func (e *Tenant) tenantMatches(t string) bool {
	return strings.EqualFold(t, e.opts.TenantID)
}

func (e *Tenant) serveToken(w http.ResponseWriter, r *http.Request, tenant string) {
	if !e.tenantMatches(tenant) {
		entraAADError(w, http.StatusBadRequest, "invalid_request", 90002, fmt.Sprintf("Tenant '%s' not found.", tenant))
		return
	}
	if err := r.ParseForm(); err != nil {
		entraAADError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "client_credentials" {
		entraAADError(w, http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type '"+f.Get("grant_type")+"'.")
		return
	}
	clientID := f.Get("client_id")
	if clientID == "" || (e.opts.ClientID != "" && clientID != e.opts.ClientID) {
		entraAADError(w, http.StatusBadRequest, "unauthorized_client", 700016,
			fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'.", clientID, tenant))
		return
	}
	if !entraHasDefaultScope(f.Get("scope")) {
		entraAADError(w, http.StatusBadRequest, "invalid_scope", 1002012,
			"The provided value for scope "+f.Get("scope")+" is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
		return
	}
	if err := e.checkClientCredential(f.Get("client_secret"), f.Get("client_assertion_type"), f.Get("client_assertion"),
		clientID, e.baseURL(r)+r.URL.Path); err != nil {
		entraAADError(w, http.StatusUnauthorized, "invalid_client", 7000215, err.Error())
		return
	}
	token := "eyJ0eXAiOiJKV1QiLCJlbXUiOiJlbnRyYSJ9." + entraRandomHex(24)
	e.mu.Lock()
	e.tokens[token] = e.opts.Now().Add(entraTokenLifetime)
	e.mu.Unlock()
	secs := int(entraTokenLifetime / time.Second)
	entraJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": token,
	})
}

// entraHasDefaultScope accepts ".../.default" among other scopes: MSAL always
// appends "openid offline_access profile".
func entraHasDefaultScope(scope string) bool {
	for _, s := range strings.Fields(scope) {
		if strings.HasSuffix(s, "/.default") {
			return true
		}
	}
	return false
}

func (e *Tenant) checkClientCredential(secret, assertionType, assertion, clientID, tokenURL string) error {
	if assertion != "" {
		if assertionType != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			return errors.New("AADSTS700023: Invalid client assertion type.")
		}
		if e.opts.ClientCertificate == nil {
			return errors.New("AADSTS700027: Client assertion failed signature validation: no certificate is registered for the application.")
		}
		return entraCheckAssertion(e.opts.ClientCertificate, assertion, clientID, tokenURL, e.opts.Now())
	}
	if secret == "" {
		return errors.New("AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	// An app registration with only a certificate has no secret to match, so
	// "any secret" applies only when no certificate is registered either.
	certOnly := e.opts.ClientSecret == "" && e.opts.ClientCertificate != nil
	if certOnly || (e.opts.ClientSecret != "" && secret != e.opts.ClientSecret) {
		return fmt.Errorf("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)
	}
	return nil
}

// entraCheckAssertion validates a client assertion as the identity platform
// does: signature by the registered certificate, iss = sub = client id, aud
// = the token endpoint, and not expired.
func entraCheckAssertion(v CertificateVerifier, assertion, clientID, tokenURL string, now time.Time) error {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return errors.New("AADSTS50027: JWT token is invalid or malformed.")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
	}
	if entraDecodeJWTPart(parts[0], &header) != nil || entraDecodeJWTPart(parts[1], &claims) != nil {
		return errors.New("AADSTS50027: JWT token is invalid or malformed.")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("AADSTS50027: JWT token is invalid or malformed.")
	}
	if err := v.VerifyAssertion([]byte(parts[0]+"."+parts[1]), sig, header.Alg); err != nil {
		return fmt.Errorf("AADSTS700027: Client assertion failed signature validation: %v", err)
	}
	if claims.Iss != clientID || claims.Sub != clientID {
		return errors.New("AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.")
	}
	if claims.Aud != tokenURL {
		return fmt.Errorf("AADSTS700212: No matching federated identity record found for presented assertion audience '%s'.", claims.Aud)
	}
	if claims.Exp != 0 && now.Unix() > claims.Exp {
		return errors.New("AADSTS700024: Client assertion is not within its valid time range.")
	}
	return nil
}

func entraDecodeJWTPart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// entraRSACert verifies assertions signed with an RSA certificate's key.
type entraRSACert struct{ key *rsa.PublicKey }

// NewCertificateVerifier returns a verifier for assertions signed by the
// private key of cert (RSA, PS256 as current MSAL sends, or RS256 as older
// versions did).
func NewCertificateVerifier(cert *x509.Certificate) (CertificateVerifier, error) {
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("emulator: certificate %q has a %T key; only RSA is supported", cert.Subject, cert.PublicKey)
	}
	return entraRSACert{key: key}, nil
}

func (c entraRSACert) VerifyAssertion(input, sig []byte, alg string) error {
	sum := sha256.Sum256(input)
	switch alg {
	case "PS256":
		return rsa.VerifyPSS(c.key, crypto.SHA256, sum[:], sig, nil)
	case "RS256":
		return rsa.VerifyPKCS1v15(c.key, crypto.SHA256, sum[:], sig)
	}
	return fmt.Errorf("unsupported alg %q", alg)
}

// IssueToken returns a Graph access token valid for an hour, for tests that
// use a static credential instead of the token endpoint.
func (e *Tenant) IssueToken() string {
	token := "eyJ0eXAiOiJKV1QiLCJlbXUiOiJlbnRyYSJ9." + entraRandomHex(24)
	e.mu.Lock()
	e.tokens[token] = e.opts.Now().Add(entraTokenLifetime)
	e.mu.Unlock()
	return token
}

// tokenValid reports whether the bearer token is one this tenant issued and
// still unexpired.
func (e *Tenant) tokenValid(token string) (ok, expired bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	exp, ok := e.tokens[token]
	if !ok {
		return false, false
	}
	return e.opts.Now().Before(exp), !e.opts.Now().Before(exp)
}

func entraRandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("emulator: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// entraAADError writes the identity platform's OAuth error body.
func entraAADError(w http.ResponseWriter, status int, code string, aadsts int, desc string) {
	if !strings.HasPrefix(desc, "AADSTS") {
		desc = fmt.Sprintf("AADSTS%d: %s", aadsts, desc)
	}
	entraJSON(w, status, map[string]any{
		"error": code, "error_description": desc, "error_codes": []int{aadsts},
		"timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"), "trace_id": entraGUIDish(), "correlation_id": entraGUIDish(),
	})
}

func entraGUIDish() string {
	h := entraRandomHex(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func entraJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body) // the client went away; nothing to tell it
}
