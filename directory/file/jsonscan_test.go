package file

import (
	"reflect"
	"testing"
)

func TestEachMember(t *testing.T) {
	obj := []byte(`{ "a" : "x}\"]," , "b\"":{"c":[1,{"d":"]}"}]},"e":-1.5e3,"f":true,"g":null,"h":[] }`)
	var got [][2]string
	eachMember(obj, func(k, v []byte) { got = append(got, [2]string{string(k), string(v)}) })
	want := [][2]string{
		{`"a"`, `"x}\"],"`},
		{`"b\""`, `{"c":[1,{"d":"]}"}]}`},
		{`"e"`, `-1.5e3`},
		{`"f"`, `true`},
		{`"g"`, `null`},
		{`"h"`, `[]`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("eachMember =\n%q\nwant\n%q", got, want)
	}

	got = nil
	eachMember([]byte(`{}`), func(k, v []byte) { got = append(got, [2]string{string(k), string(v)}) })
	if got != nil {
		t.Errorf("eachMember({}) = %q", got)
	}
}

func TestEachElement(t *testing.T) {
	var got []string
	eachElement([]byte("[ \"a,]\" ,\n{\"id\":\"b\"}, 3 ,[[]] ]"), func(v []byte) { got = append(got, string(v)) })
	want := []string{`"a,]"`, `{"id":"b"}`, `3`, `[[]]`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("eachElement = %q, want %q", got, want)
	}
}
