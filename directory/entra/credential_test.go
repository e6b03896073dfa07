package entra

import (
	"reflect"
	"strings"
	"testing"
)

func TestNewCredentialChoice(t *testing.T) {
	cases := []struct {
		name    string
		opts    Options
		env     map[string]string
		want    string // credential name prefix
		wantErr string
	}{
		{name: "option secret wins", opts: Options{TenantID: "t", ClientID: "c", ClientSecret: "topsecretvalue"},
			env: map[string]string{"AZURE_CLIENT_CERTIFICATE_PATH": "/nope"}, want: "client secret"},
		{name: "env secret with env ids", env: map[string]string{"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "topsecretvalue"},
			want: "client secret (AZURE_CLIENT_SECRET)"},
		{name: "secret without tenant", opts: Options{ClientID: "c", ClientSecret: "topsecretvalue"}, wantErr: "AZURE_TENANT_ID"},
		{name: "secret without client", opts: Options{TenantID: "t", ClientSecret: "topsecretvalue"}, wantErr: "AZURE_CLIENT_ID"},
		{name: "unreadable certificate", opts: Options{TenantID: "t", ClientID: "c"},
			env: map[string]string{"AZURE_CLIENT_CERTIFICATE_PATH": "/does/not/exist.pem"}, wantErr: "AZURE_CLIENT_CERTIFICATE_PATH"},
		{name: "workload identity", opts: Options{TenantID: "t", ClientID: "c"},
			env: map[string]string{"AZURE_FEDERATED_TOKEN_FILE": "/var/run/token"}, want: "workload identity"},
		{name: "nothing set: default chain", opts: Options{TenantID: "t"}, want: "DefaultAzureCredential"},
		{name: "http authority refused", opts: Options{TenantID: "t", ClientID: "c", ClientSecret: "x", AuthorityHost: "http://127.0.0.1:1"},
			wantErr: "https"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, name, err := newCredential(tc.opts, func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !strings.HasPrefix(name, tc.want) {
				t.Fatalf("name %q err %v, want %q", name, err, tc.want)
			}
			if strings.Contains(name, "topsecretvalue") {
				t.Errorf("credential name %q leaks the secret", name)
			}
		})
	}
}

func TestPlanSelect(t *testing.T) {
	cases := []struct {
		attrs   []string
		props   []string
		manager bool
		extra   map[string]string
	}{
		{attrs: []string{"mail", "IsSoftDeleted", "objectId"},
			props: []string{"accountEnabled", "displayName", "id", "mail", "userPrincipalName"}, extra: map[string]string{}},
		{attrs: []string{"mobile", "manager", "telephoneNumber", "extensionAttribute3", "city"},
			props: []string{"accountEnabled", "businessPhones", "city", "displayName", "id", "mobilePhone",
				"onPremisesExtensionAttributes", "userPrincipalName"}, manager: true,
			extra: map[string]string{"telephoneNumber": "businessPhones", "extensionAttribute3": "onPremisesExtensionAttributes", "city": "city"}},
	}
	for _, tc := range cases {
		p := planSelect(tc.attrs)
		if !reflect.DeepEqual(p.props, tc.props) || p.manager != tc.manager || !reflect.DeepEqual(p.extra, tc.extra) {
			t.Errorf("planSelect(%v) = %+v, want props %v manager %v extra %v", tc.attrs, p, tc.props, tc.manager, tc.extra)
		}
	}
	if all := planSelect(nil); !all.manager || len(all.props) != len(coreProps) {
		t.Errorf("planSelect(nil) = %+v, want every core property and the manager", all)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Scope: "some", TenantID: "t", ClientID: "c", ClientSecret: "topsecretvalue"},
		{Scope: "assigned", TenantID: "t", ClientID: "c", ClientSecret: "topsecretvalue"},
		{AppID: "x') or (", TenantID: "t", ClientID: "c", ClientSecret: "topsecretvalue"},
		{AppID: "1234", GraphURL: "not a url", TenantID: "t", ClientID: "c", ClientSecret: "topsecretvalue"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", o)
		}
	}
}
