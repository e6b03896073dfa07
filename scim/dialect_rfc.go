package scim

// rfc is a generic SCIM 2.0 server: v2 bodies, with the enterprise manager
// written as RFC 7643's manager.value where Slack has managerId.
type rfc struct{ v2 }

func (d rfc) decodeUserList(body []byte) (*ListPage[User], error) {
	p, err := decodeListPage(body, decodeUser)
	if err == nil {
		for _, u := range p.Resources {
			rfcManagerIn(u)
		}
	}
	return p, err
}

func (d rfc) decodeUser(body []byte) (*User, error) {
	u, err := d.v2.decodeUser(body)
	if err == nil {
		rfcManagerIn(u)
	}
	return u, err
}

func rfcManagerIn(u *User) {
	if u != nil && u.Enterprise != nil && u.Enterprise.Manager != nil {
		m := u.Enterprise.Manager
		if m.ManagerID == "" {
			m.ManagerID, m.Value = m.Value, ""
		}
		if m.ManagerID == "" {
			u.Enterprise.Manager = nil
		}
	}
}

func rfcManagerOut(m *Manager) *Manager {
	if m == nil {
		return nil
	}
	return &Manager{Value: m.ManagerID}
}

func (d rfc) encodeUser(u *User) any {
	c := d.v2.encodeUser(u).(*User)
	if c.Enterprise != nil {
		e := *c.Enterprise
		e.Manager = rfcManagerOut(e.Manager)
		c.Enterprise = &e
	}
	return c
}

func (d rfc) encodePatch(ops []PatchOp) any {
	out := make([]PatchOp, len(ops))
	for i, op := range ops {
		if m, ok := op.Value.(Manager); ok {
			op.Value = *rfcManagerOut(&m)
		}
		out[i] = op
	}
	return d.v2.encodePatch(out)
}

// RFC 7644 names the singular only.
func (rfc) serviceProviderConfigPaths() []string { return []string{"ServiceProviderConfig"} }
