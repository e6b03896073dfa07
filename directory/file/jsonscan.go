package file

// The decoder has already validated every element it hands out, so walking
// one object's members needs no second validation pass. These helpers split
// known-valid JSON without allocating, which makes 100k-user files several
// times faster to read than json.Unmarshal into a map.

// eachMember calls fn with each key (still quoted) and value of the valid
// JSON object obj.
func eachMember(obj []byte, fn func(key, val []byte)) {
	i := skipSpace(obj, 1) // past '{'
	for i < len(obj) && obj[i] != '}' {
		keyEnd := valueEnd(obj, i)
		key := obj[i:keyEnd]
		i = skipSpace(obj, keyEnd)
		i = skipSpace(obj, i+1) // past ':'
		end := valueEnd(obj, i)
		fn(key, obj[i:end])
		i = skipSpace(obj, end)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
}

// eachElement calls fn with each element of the valid JSON array arr.
func eachElement(arr []byte, fn func(val []byte)) {
	i := skipSpace(arr, 1) // past '['
	for i < len(arr) && arr[i] != ']' {
		end := valueEnd(arr, i)
		fn(arr[i:end])
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// valueEnd returns the offset just past the valid JSON value starting at i.
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = stringEnd(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j
		}
		j++
	}
	return j
}

// stringEnd returns the offset just past the string starting at b[i] == '"'.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}
