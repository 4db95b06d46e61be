// Reference harness for berth's format goldens: runs Go's text/template, fmt and tabwriter
// with docker's template functions on cases read from stdin. See gen.py.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"text/tabwriter"
	"text/template"
)

type tcase struct {
	T          string          `json:"t"`
	Data       json.RawMessage `json:"data"`
	MissingKey string          `json:"missingKey"`
	Header     bool            `json:"header"`
	Tab        string          `json:"tab"`
	Sprintf    []json.RawMessage `json:"sprintf"`
	Extra      string          `json:"extra"`
	Num        float64         `json:"num"`
	Str        string          `json:"str"`
	N          int             `json:"n"`
	Ports      []portIn        `json:"ports"`
}

type result struct {
	Out string `json:"out"`
	Err string `json:"err,omitempty"`
}

func conv(v interface{}) interface{} {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case []interface{}:
		for i := range x {
			x[i] = conv(x[i])
		}
		return x
	case map[string]interface{}:
		for k := range x {
			x[k] = conv(x[k])
		}
		return x
	}
	return v
}

var basicFunctions = template.FuncMap{
	"json":     formatJSON,
	"split":    strings.Split,
	"join":     joinElements,
	"title":    strings.Title,
	"lower":    strings.ToLower,
	"upper":    strings.ToUpper,
	"pad":      padWithSpace,
	"truncate": truncateWithLength,
}

func padWithSpace(source string, prefix, suffix int) string {
	if source == "" {
		return source
	}
	return strings.Repeat(" ", prefix) + source + strings.Repeat(" ", suffix)
}

func truncateWithLength(source string, length int) string {
	if len(source) < length {
		return source
	}
	return source[:length]
}

func formatJSON(v any) string {
	buf := &bytes.Buffer{}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(buf.String())
}

func joinElements(elems any, sep string) (string, error) {
	if elems == nil {
		return "", nil
	}
	if ss, ok := elems.([]string); ok {
		return strings.Join(ss, sep), nil
	}
	switch rv := reflect.ValueOf(elems); rv.Kind() {
	case reflect.Array, reflect.Slice:
		var b strings.Builder
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteString(sep)
			}
			_, _ = fmt.Fprint(&b, rv.Index(i).Interface())
		}
		return b.String(), nil
	case reflect.Map:
		var out []string
		for _, k := range rv.MapKeys() {
			out = append(out, fmt.Sprint(rv.MapIndex(k).Interface()))
		}
		sort.Strings(out)
		return strings.Join(out, sep), nil
	default:
		return "", fmt.Errorf("expected slice, got %T", elems)
	}
}

func decode(raw json.RawMessage) interface{} {
	if len(raw) == 0 {
		return nil
	}
	var v interface{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	return conv(v)
}

func run(c tcase) (res result) {
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Sprintf("PANIC: %v", r)
		}
	}()
	if c.Extra != "" {
		return result{Out: extra(c.Extra, c.Num, c.Str, c.N, c.Ports)}
	}
	if c.Tab != "" {
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 10, 1, 3, ' ', 0)
		tw.Write([]byte(c.Tab))
		tw.Flush()
		return result{Out: buf.String()}
	}
	if c.Sprintf != nil {
		format := decode(c.Sprintf[0]).(string)
		var args []interface{}
		for _, a := range c.Sprintf[1:] {
			args = append(args, decode(a))
		}
		return result{Out: fmt.Sprintf(format, args...)}
	}
	tmpl, err := template.New("").Funcs(basicFunctions).Parse(c.T)
	if err != nil {
		return result{Err: err.Error()}
	}
	if c.MissingKey != "" {
		tmpl = tmpl.Option("missingkey=" + c.MissingKey)
	}
	var buf bytes.Buffer
	err = tmpl.Execute(&buf, decode(c.Data))
	res.Out = buf.String()
	if err != nil {
		res.Err = err.Error()
	}
	return res
}

func main() {
	var cases []tcase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	var out []result
	for _, c := range cases {
		out = append(out, run(c))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	enc.Encode(out)
}
