package entra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// CheckResult is one line of `slackprov test-connection` for the directory.
type CheckResult struct {
	Name   string
	OK     bool
	Detail string
	Fix    string // what to do when not OK
}

// Check proves the credential and each permission with one cheap call each,
// finds the enterprise app and counts its assignments. It stops after a
// failed token: every other check would fail the same way.
func (s *Source) Check(ctx context.Context) []CheckResult {
	var out []CheckResult
	if _, err := s.graph.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.graph.scope}}); err != nil {
		return append(out, CheckResult{Name: "Entra token", Detail: fmt.Sprintf("%s: %v", s.credName, err),
			Fix: "Check source.entra.tenant_id and client_id and the credential (AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, workload identity, managed identity or `az login`); secrets expire, so make a new one under App registrations → Certificates & secrets if needed."})
	}
	out = append(out, CheckResult{Name: "Entra token", OK: true, Detail: "acquired through " + s.credName})

	var probe struct{}
	out = append(out, s.permissionCheck(permUsers,
		s.graph.get(ctx, s.graph.url("users", url.Values{"$select": {"id"}, "$top": {"1"}}), permUsers, &probe)))
	out = append(out, s.permissionCheck(permGroups,
		s.graph.get(ctx, s.graph.url("groups", url.Values{"$select": {"id"}, "$top": {"1"}}), permGroups, &probe)))

	out = append(out, s.extensionCheck(ctx))

	if s.opts.AppID == "" {
		return out
	}
	var sp struct {
		ID                        string `json:"id"`
		DisplayName               string `json:"displayName"`
		AppRoleAssignmentRequired bool   `json:"appRoleAssignmentRequired"`
	}
	err := s.graph.get(ctx, s.graph.url("servicePrincipals(appId='"+s.opts.AppID+"')",
		url.Values{"$select": {"id,displayName,appRoleAssignmentRequired"}}), permApps, &sp)
	if isNotFound(err) {
		return append(out, CheckResult{Name: "Permission " + permApps, OK: true, Detail: "granted"},
			CheckResult{Name: "Enterprise app", Detail: fmt.Sprintf("no enterprise application with appId %s in this tenant", s.opts.AppID),
				Fix: "Set source.entra.app_id to the Slack enterprise application's Application ID (Entra admin center → Enterprise applications → Slack → Overview)."})
	}
	out = append(out, s.permissionCheck(permApps, err))
	if err != nil {
		return out
	}
	app := CheckResult{Name: "Enterprise app", OK: true, Detail: fmt.Sprintf("%s (object id %s)", sp.DisplayName, sp.ID)}
	if !sp.AppRoleAssignmentRequired && s.opts.Scope == scopeAssigned {
		app.Detail += "; assignment is not required to sign in, but only assigned users and groups are provisioned"
	}
	out = append(out, app)

	users, groups, err := s.readAssignments(ctx)
	if err != nil {
		return append(out, CheckResult{Name: "Assignments", Detail: err.Error(), Fix: "Fix the checks above first."})
	}
	res := CheckResult{Name: "Assignments", OK: true,
		Detail: fmt.Sprintf("%d users and %d groups assigned directly (group members are counted at sync)", len(users), len(groups))}
	if len(users)+len(groups) == 0 && s.opts.Scope == scopeAssigned {
		res.OK = false
		res.Fix = "Assign users or groups to the app: Entra admin center → Enterprise applications → Slack → Users and groups → Add user/group."
	}
	return append(out, res)
}

func (s *Source) permissionCheck(perm string, err error) CheckResult {
	res := CheckResult{Name: "Permission " + perm}
	var ge *GraphError
	switch {
	case err == nil:
		res.OK, res.Detail = true, "granted"
	case errors.As(err, &ge) && ge.Status == http.StatusForbidden:
		res.Detail = fmt.Sprintf("missing: %s: %s", ge.Code, ge.Message)
		res.Fix = fmt.Sprintf("Entra admin center → App registrations → your slackprov app → API permissions → Add a permission → Microsoft Graph → Application permissions → %s, then \"Grant admin consent\".", perm)
	default:
		res.Detail = err.Error()
		res.Fix = "Check source.entra.graph_url and the network path to Microsoft Graph."
	}
	return res
}

// extensionCheck lists the tenant's directory extensions again (refreshing
// the cache mappings are checked against). Without Directory.Read.All it
// still passes: extension names are then accepted unchecked.
func (s *Source) extensionCheck(ctx context.Context) CheckResult {
	res := CheckResult{Name: "Directory extensions", OK: true}
	names, err := s.RefreshExtensions(ctx)
	switch {
	case err != nil:
		res.Detail = "not listed, so mappings' extension_… names are not checked for typos: " + err.Error()
	case len(names) == 0:
		res.Detail = "the tenant has no user directory extensions"
	default:
		res.Detail = fmt.Sprintf("%d user directory extension(s): %s", len(names), strings.Join(names, ", "))
	}
	return res
}
