package entra

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Every property $select asks for as a directory.User field must have a
// typed home in userWire, or a full read would silently drop it.
func TestUserWireHoldsEveryCoreProperty(t *testing.T) {
	var tags []string
	wire := reflect.TypeOf(userWire{})
	for i := range wire.NumField() {
		name, _, _ := strings.Cut(wire.Field(i).Tag.Get("json"), ",")
		tags = append(tags, name)
	}
	for _, p := range coreProps {
		if !slices.Contains(tags, p) {
			t.Errorf("Graph property %q is selected as a directory.User field but userWire has no field for it", p)
		}
	}
}
