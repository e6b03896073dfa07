package entra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/slackprov/slackprov/directory"
)

// permExtensions is the least-privileged permission that lists a tenant's
// directory extensions (POST /directoryObjects/getAvailableExtensionProperties).
const permExtensions = "Directory.Read.All"

// keyExtensions caches the tenant's directory extension names in
// Watermarks; test-connection refreshes it.
const keyExtensions = "entra.extensions"

// graphUserProperties are Microsoft Graph v1.0 user properties a mapping can
// read, plus the names Entra's provisioning schema uses for some of them.
var graphUserProperties = []string{
	"id", "userPrincipalName", "mail", "givenName", "surname", "displayName", "jobTitle", "department",
	"mobilePhone", "employeeId", "accountEnabled", "manager", "officeLocation", "businessPhones", "city",
	"country", "state", "streetAddress", "postalCode", "companyName", "employeeType", "preferredLanguage",
	"userType", "faxNumber", "mailNickname", "proxyAddresses", "otherMails", "usageLocation",
	"onPremisesSamAccountName", "onPremisesImmutableId", "onPremisesDistinguishedName", "onPremisesDomainName",
	"onPremisesUserPrincipalName", "onPremisesSecurityIdentifier", "employeeHireDate", "employeeLeaveDateTime",
	"createdDateTime", "ageGroup", "consentProvidedForMinor", "legalAgeGroupClassification", "preferredDataLocation",
	"showInAddressList", "creationType", "externalUserState", "imAddresses", "securityIdentifier",
	// Entra provisioning's names (entraNames).
	"objectId", "mobile", "telephoneNumber", "facsimileTelephoneNumber", "physicalDeliveryOfficeName", "co",
}

// extensionCache is what keyExtensions holds: the names, or why Graph
// refused to list them.
type extensionCache struct {
	Names   []string  `json:"names"`
	Refused string    `json:"refused,omitempty"`
	Fetched time.Time `json:"fetched"`
}

// refusalKept is how long a refusal to list the extensions is believed
// before Graph is asked again: without it every run (every watch cycle)
// would spend a Graph call on the same 403.
const refusalKept = 24 * time.Hour

// Vocabulary is the attribute names users and groups can be mapped from:
// Graph's user properties, onPremisesExtensionAttributes' extensionAttribute1
// to 15, and the tenant's own directory extensions — from the cache, else
// listed now (and cached). When they cannot be listed (the app lacks
// Directory.Read.All), any extension_ name is accepted and Note says why.
func (s *Source) Vocabulary(ctx context.Context) (*directory.Vocabulary, error) {
	v := &directory.Vocabulary{Groups: directory.GroupAttributeNames()}
	v.Users = append(v.Users, graphUserProperties...)
	for i := 1; i <= 15; i++ {
		v.Users = append(v.Users, "extensionAttribute"+strconv.Itoa(i))
	}
	names, err := s.cachedExtensions(ctx)
	if err == nil && names == nil {
		names, err = s.RefreshExtensions(ctx)
	}
	if err != nil {
		v.UserPrefixes = []string{"extension_"}
		v.Note = fmt.Sprintf("directory extension names (extension_…) are not checked: %v", err)
	} else {
		v.Users = append(v.Users, names...)
	}
	sort.Strings(v.Users)
	return v, nil
}

func (s *Source) cachedExtensions(ctx context.Context) ([]string, error) {
	if s.opts.Watermarks == nil {
		return nil, nil
	}
	raw, ok, err := s.opts.Watermarks.Get(ctx, keyExtensions)
	if err != nil || !ok {
		return nil, err
	}
	var c extensionCache
	if json.Unmarshal([]byte(raw), &c) != nil {
		return nil, nil
	}
	if c.Refused != "" {
		if s.opts.Now().Sub(c.Fetched) < refusalKept {
			return nil, errors.New(c.Refused)
		}
		return nil, nil
	}
	if c.Names == nil {
		c.Names = []string{}
	}
	return c.Names, nil
}

// RefreshExtensions lists the tenant's user directory extensions from Graph
// and caches their names.
func (s *Source) RefreshExtensions(ctx context.Context) ([]string, error) {
	var p struct {
		Value []struct {
			Name          string   `json:"name"`
			TargetObjects []string `json:"targetObjects"`
			IsMultiValued bool     `json:"isMultiValued"`
		} `json:"value"`
		NextLink string `json:"@odata.nextLink"`
	}
	names := []string{}
	err := s.graph.do(ctx, "POST", s.graph.url("directoryObjects/getAvailableExtensionProperties", nil),
		[]byte(`{"isSyncedFromOnPremises":false}`), permExtensions, &p)
	for err == nil {
		for _, e := range p.Value {
			for _, t := range e.TargetObjects {
				// Entra cannot provision multi-valued extensions either.
				if t == "User" && !e.IsMultiValued {
					names = append(names, e.Name)
				}
			}
		}
		if p.NextLink == "" {
			break
		}
		next := p.NextLink
		p.Value, p.NextLink = nil, ""
		err = s.graph.get(ctx, next, permExtensions, &p)
	}
	if err != nil {
		var ge *GraphError
		if errors.As(err, &ge) && ge.Status == 403 {
			refused := fmt.Sprintf("listing them needs the application permission %s (API permissions → Add → Microsoft Graph → Application → %s, then grant admin consent)", permExtensions, permExtensions)
			s.cacheExtensions(ctx, extensionCache{Refused: refused, Fetched: s.opts.Now().UTC()})
			return nil, errors.New(refused)
		}
		return nil, fmt.Errorf("listing them failed: %w", err)
	}
	sort.Strings(names)
	if s.opts.Watermarks != nil {
		raw, _ := json.Marshal(extensionCache{Names: names, Fetched: s.opts.Now().UTC()})
		if err := s.opts.Watermarks.Put(ctx, keyExtensions, string(raw)); err != nil {
			return nil, fmt.Errorf("caching the directory extension names: %w", err)
		}
	}
	return names, nil
}

// cacheExtensions keeps a refusal to list the extensions, best effort: a
// state that cannot store it only costs the next run the same call.
func (s *Source) cacheExtensions(ctx context.Context, c extensionCache) {
	if s.opts.Watermarks == nil {
		return
	}
	raw, _ := json.Marshal(c)
	_ = s.opts.Watermarks.Put(ctx, keyExtensions, string(raw))
}
