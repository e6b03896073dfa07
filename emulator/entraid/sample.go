package entraid

import (
	"encoding/json"
)

// NewSample returns a tenant holding a generated directory in the file
// source's JSON shape (sampledir.JSON), so the demo can
// read the same people through the real Entra path as through the file
// source. Every group is assigned to the Slack app, and every user who is in
// none of them is assigned directly, so exactly the file source's users are
// in scope — most through a group, as in a real tenant. It panics when the
// directory does not parse: it is generated, never typed by a user.
func NewSample(opts Options, directoryJSON []byte) *Tenant {
	var dir struct {
		Users []struct {
			ID                string `json:"id"`
			UserPrincipalName string `json:"userPrincipalName"`
			Mail              string `json:"mail"`
			GivenName         string `json:"givenName"`
			Surname           string `json:"surname"`
			DisplayName       string `json:"displayName"`
			JobTitle          string `json:"jobTitle"`
			Department        string `json:"department"`
			MobilePhone       string `json:"mobilePhone"`
			EmployeeID        string `json:"employeeId"`
			AccountEnabled    bool   `json:"accountEnabled"`
			Manager           string `json:"manager"`
			OfficeLocation    string `json:"officeLocation"`
		} `json:"users"`
		Groups []struct {
			ID          string   `json:"id"`
			DisplayName string   `json:"displayName"`
			Members     []string `json:"members"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(directoryJSON, &dir); err != nil {
		panic("entraid: the sample directory does not parse: " + err.Error())
	}
	e := New(opts)
	for _, u := range dir.Users {
		e.AddUser(User{
			ID: u.ID, UserPrincipalName: u.UserPrincipalName, Mail: u.Mail, GivenName: u.GivenName,
			Surname: u.Surname, DisplayName: u.DisplayName, JobTitle: u.JobTitle, Department: u.Department,
			MobilePhone: u.MobilePhone, EmployeeID: u.EmployeeID, OfficeLocation: u.OfficeLocation,
			AccountEnabled: u.AccountEnabled, Manager: u.Manager,
		})
	}
	grouped := map[string]bool{}
	for _, g := range dir.Groups {
		e.AddGroup(g.ID, g.DisplayName, g.Members...)
		e.mustAssign(g.ID, "Group")
		for _, m := range g.Members {
			grouped[m] = true
		}
	}
	for _, u := range dir.Users {
		if !grouped[u.ID] {
			e.mustAssign(u.ID, "User")
		}
	}
	return e
}

func (e *Tenant) mustAssign(id, kind string) {
	if err := e.assign(id, kind); err != nil {
		panic(err.Error()) // the id was just added
	}
}
