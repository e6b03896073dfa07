package entra

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

var envLookup = os.Getenv

// knownAuthorities are the clouds whose instance discovery works; any other
// authority host (Azure Stack, an emulator) needs discovery off.
var knownAuthorities = map[string]bool{
	"login.microsoftonline.com": true, "login.microsoftonline.us": true,
	"login.chinacloudapi.cn": true, "login.partner.microsoftonline.cn": true,
}

// newCredential picks the credential, first match wins:
//
//  1. Options.ClientSecret (e.g. from the keychain): client secret.
//  2. AZURE_CLIENT_SECRET: client secret.
//  3. AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD,
//     AZURE_CLIENT_SEND_CERTIFICATE_CHAIN): client certificate, PEM or PKCS#12.
//  4. AZURE_FEDERATED_TOKEN_FILE: workload identity (Kubernetes, GitHub OIDC).
//  5. Otherwise azidentity's DefaultAzureCredential: managed identity, then
//     the Azure CLI and other developer tools (AZURE_TOKEN_CREDENTIALS
//     narrows it).
//
// Tenant and client ids come from Options, else AZURE_TENANT_ID and
// AZURE_CLIENT_ID. It returns a name for messages; never the secret.
func newCredential(opts Options, getenv func(string) string) (azcore.TokenCredential, string, error) {
	tenant := firstNonEmpty(opts.TenantID, getenv("AZURE_TENANT_ID"))
	client := firstNonEmpty(opts.ClientID, getenv("AZURE_CLIENT_ID"))
	co, disableDiscovery, err := clientOptions(opts)
	if err != nil {
		return nil, "", err
	}
	needIDs := func(what string) error {
		switch {
		case tenant == "":
			return fmt.Errorf("entra: %s needs the tenant: set source.entra.tenant_id or AZURE_TENANT_ID", what)
		case client == "":
			return fmt.Errorf("entra: %s needs the app registration's client id: set source.entra.client_id or AZURE_CLIENT_ID", what)
		}
		return nil
	}

	secret, secretFrom := opts.ClientSecret, "client secret"
	if secret == "" {
		secret, secretFrom = getenv("AZURE_CLIENT_SECRET"), "client secret (AZURE_CLIENT_SECRET)"
	}
	if secret != "" {
		if err := needIDs("a client secret"); err != nil {
			return nil, "", err
		}
		cred, err := azidentity.NewClientSecretCredential(tenant, client, secret, &azidentity.ClientSecretCredentialOptions{
			ClientOptions: co, DisableInstanceDiscovery: disableDiscovery})
		if err != nil {
			return nil, "", fmt.Errorf("entra: client secret credential: %w", err)
		}
		return cred, secretFrom, nil
	}

	if path := getenv("AZURE_CLIENT_CERTIFICATE_PATH"); path != "" {
		if err := needIDs("a client certificate"); err != nil {
			return nil, "", err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, "", fmt.Errorf("entra: read the client certificate named by AZURE_CLIENT_CERTIFICATE_PATH: %w", err)
		}
		var password []byte
		if p := getenv("AZURE_CLIENT_CERTIFICATE_PASSWORD"); p != "" {
			password = []byte(p)
		}
		certs, key, err := azidentity.ParseCertificates(data, password)
		if err != nil {
			return nil, "", fmt.Errorf("entra: client certificate %s: %w (%s)", path, err, certificateHint(err, data, password != nil))
		}
		send := strings.EqualFold(getenv("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"), "true") || getenv("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN") == "1"
		cred, err := azidentity.NewClientCertificateCredential(tenant, client, certs, key, &azidentity.ClientCertificateCredentialOptions{
			ClientOptions: co, DisableInstanceDiscovery: disableDiscovery, SendCertificateChain: send})
		if err != nil {
			return nil, "", fmt.Errorf("entra: client certificate credential: %w", err)
		}
		return cred, "client certificate (" + path + ")", nil
	}

	if file := getenv("AZURE_FEDERATED_TOKEN_FILE"); file != "" {
		if err := needIDs("workload identity"); err != nil {
			return nil, "", err
		}
		cred, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions: co, DisableInstanceDiscovery: disableDiscovery,
			TenantID: tenant, ClientID: client, TokenFilePath: file})
		if err != nil {
			return nil, "", fmt.Errorf("entra: workload identity credential: %w", err)
		}
		return cred, "workload identity (AZURE_FEDERATED_TOKEN_FILE)", nil
	}

	cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions: co, DisableInstanceDiscovery: disableDiscovery, TenantID: tenant})
	if err != nil {
		return nil, "", fmt.Errorf("entra: no credential: set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, or sign in with `az login`: %w", err)
	}
	return cred, "DefaultAzureCredential (managed identity or Azure CLI)", nil
}

// certificateHint says how to fix a certificate file azidentity cannot read.
// azidentity hands back golang.org/x/crypto/pkcs12's errors as they are, so
// their text is all there is to tell the cases apart.
func certificateHint(err error, data []byte, hasPassword bool) string {
	msg := err.Error()
	switch {
	case hasPassword && bytes.Contains(data, []byte("-----BEGIN ")):
		return "a PEM file is read without a password and its key must not be encrypted: unset AZURE_CLIENT_CERTIFICATE_PASSWORD, and decrypt an encrypted key with `openssl pkey -in key.pem -out plain-key.pem`"
	case strings.Contains(msg, "password incorrect"):
		if hasPassword {
			return "AZURE_CLIENT_CERTIFICATE_PASSWORD does not open this PKCS#12 file: set the password it was exported with"
		}
		return "this PKCS#12 file is protected: set AZURE_CLIENT_CERTIFICATE_PASSWORD to its password"
	case strings.Contains(msg, "pkcs12: unknown digest algorithm"), strings.Contains(msg, "pkcs12: algorithm"):
		return "this PKCS#12 file uses AES or SHA-256 protection, OpenSSL 3's default, which azidentity cannot read: re-export it with `openssl pkcs12 -export -legacy` (or -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1), or use a PEM file holding the certificate and its unencrypted key"
	}
	return "PEM or PKCS#12 holding the certificate and its private key; set AZURE_CLIENT_CERTIFICATE_PASSWORD if it is a protected PKCS#12 file"
}

func clientOptions(opts Options) (azcore.ClientOptions, bool, error) {
	var co azcore.ClientOptions
	if opts.HTTPClient != nil {
		co.Transport = opts.HTTPClient
	}
	if opts.AuthorityHost == "" {
		return co, false, nil
	}
	u, err := url.Parse(opts.AuthorityHost)
	if err != nil || u.Host == "" {
		return co, false, fmt.Errorf("entra: authority_host %q is not a URL such as https://login.microsoftonline.com/", opts.AuthorityHost)
	}
	if u.Scheme != "https" {
		return co, false, errors.New("entra: authority_host must use https (azidentity refuses anything else): " + opts.AuthorityHost)
	}
	host := strings.TrimSuffix(opts.AuthorityHost, "/") + "/"
	co.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: host}
	return co, !knownAuthorities[strings.ToLower(u.Hostname())], nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
