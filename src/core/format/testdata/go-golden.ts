/**
 * Golden outputs produced by Go itself (go1.19 text/template, fmt, strconv, text/tabwriter, with
 * docker's template functions, go-units and DisplayablePorts copied in), so these tests compare
 * berth against the real implementation. Entries with `deviation` record where berth follows a
 * newer Go or differs on purpose; their expected output is berth's. Regenerate with
 * go-reference/gen.py; do not edit by hand.
 */
import type { MissingKey } from '../go-template/exec.js';
import type { PortEntry } from '../ports.js';

export interface GoldenTemplate {
  template: string;
  data: unknown;
  out: string;
  err?: string;
  missingKey?: MissingKey;
  deviation?: string;
}

export interface GoGolden {
  templates: GoldenTemplate[];
  sprintf: Array<{ args: [string, ...unknown[]]; out: string }>;
  tabwriter: Array<{ in: string; out: string }>;
  humanSize: Array<{ bytes: number; precision: number; out: string }>;
  bytesSize: Array<{ bytes: number; out: string }>;
  humanDuration: Array<{ ms: number; out: string }>;
  ellipsis: Array<{ s: string; width: number; out: string }>;
  quote: Array<{ s: string; out: string }>;
  ports: Array<{ ports: PortEntry[]; out: string }>;
}

export const GO_GOLDEN: GoGolden = {
 "templates": [
  {
   "template": "{{.State.Status}}",
   "data": {
    "State": {
     "Status": "running"
    }
   },
   "out": "running"
  },
  {
   "template": "{{.Config.Labels}}",
   "data": {
    "Config": {
     "Labels": {
      "c": "d",
      "a": "b",
      "B": "x"
     }
    }
   },
   "out": "map[B:x a:b c:d]"
  },
  {
   "template": "{{.}}",
   "data": {
    "a": [
     1,
     2,
     {
      "x": null
     }
    ],
    "b": true,
    "c": 1.5,
    "d": "s"
   },
   "out": "map[a:[1 2 map[x:<nil>]] b:true c:1.5 d:s]"
  },
  {
   "template": "{{json .Config}}",
   "data": {
    "Config": {
     "Cmd": [
      "sh",
      "-c",
      "a>b && c<d"
     ],
     "Env": null,
     "Tty": false,
     "N": 1.5,
     "Big": 12345678901,
     "U": " é\u0001\b\f"
    }
   },
   "out": "{\"Cmd\":[\"sh\",\"-c\",\"a>b && c<d\"],\"Env\":null,\"Tty\":false,\"N\":1.5,\"Big\":12345678901,\"U\":\"\\u2028é\\u0001\\b\\f\"}",
   "deviation": "objects keep insertion order (they stand for Go structs); \\b and \\f short escapes as Go >= 1.22 writes them"
  },
  {
   "template": "{{range .Mounts}}{{.Source}},{{end}}",
   "data": {
    "Mounts": [
     {
      "Source": "/a"
     },
     {
      "Source": "/b"
     }
    ]
   },
   "out": "/a,/b,"
  },
  {
   "template": "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}",
   "data": {
    "Config": {
     "Labels": {
      "z": "1",
      "a": "2"
     }
    }
   },
   "out": "a=2;z=1;"
  },
  {
   "template": "{{index .Config.Labels \"com.x\"}}",
   "data": {
    "Config": {
     "Labels": {
      "com.x": "yes"
     }
    }
   },
   "out": "yes"
  },
  {
   "template": "{{index .Config.Labels \"nope\"}}",
   "data": {
    "Config": {
     "Labels": {
      "com.x": "yes"
     }
    }
   },
   "out": "<no value>"
  },
  {
   "template": "{{index .NetworkSettings.Ports \"80/tcp\"}}",
   "data": {
    "NetworkSettings": {
     "Ports": {
      "80/tcp": [
       {
        "HostIp": "0.0.0.0",
        "HostPort": "8080"
       }
      ]
     }
    }
   },
   "out": "[map[HostIp:0.0.0.0 HostPort:8080]]"
  },
  {
   "template": "{{if eq .A 1}}one{{else if eq .A 2}}two{{else}}other{{end}}",
   "data": {
    "A": 2
   },
   "out": "two"
  },
  {
   "template": "{{if eq .A 1}}one{{else if eq .A 2}}two{{else}}other{{end}}",
   "data": {
    "A": 3
   },
   "out": "other"
  },
  {
   "template": "{{with .B}}has {{.}}{{else}}none{{end}}",
   "data": {
    "A": 3
   },
   "out": "none"
  },
  {
   "template": "{{with .B}}has {{.}}{{else}}none{{end}}",
   "data": {
    "B": "x"
   },
   "out": "has x"
  },
  {
   "template": "{{$x := .A}}{{$x}} {{$x = 5}}{{$x}}",
   "data": {
    "A": 3
   },
   "out": "3 5"
  },
  {
   "template": "{{.Name | upper}} {{.Name | lower}} {{title .Name}}",
   "data": {
    "Name": "hello wORLD-foo_bar"
   },
   "out": "HELLO WORLD-FOO_BAR hello world-foo_bar Hello WORLD-Foo_bar"
  },
  {
   "template": "{{join .Args \" \"}}|{{join .M \",\"}}|{{join .N \",\"}}",
   "data": {
    "Args": [
     "a",
     "b",
     1
    ],
    "M": {
     "x": "2",
     "y": "1"
    },
    "N": null
   },
   "out": "a b 1|1,2|"
  },
  {
   "template": "{{split .S \",\"}} {{len (split .S \",\")}} {{split .S \"\"}}",
   "data": {
    "S": "a,b,,c"
   },
   "out": "[a b  c] 4 [a , b , , c]"
  },
  {
   "template": "[{{truncate .S 3}}] [{{truncate .S 10}}] [{{pad .S 2 3}}] [{{pad \"\" 2 3}}]",
   "data": {
    "S": "abcdef"
   },
   "out": "[abc] [abcdef] [  abcdef   ] []"
  },
  {
   "template": "{{println .A .B}}{{print .A .B}} {{print 1 2 \"x\" 3}}",
   "data": {
    "A": "a",
    "B": 1
   },
   "out": "a 1\na1 1 2x3"
  },
  {
   "template": "{{printf \"%s|%d|%v|%q|%-10s|%10s|%5.2f|%x|%X|%o|%b|%c|%U|%e|%g|%t\" .S .I .M .S .S .S .F .I .I .I .I .I .I .F .F .T}}",
   "data": {
    "S": "hé\"",
    "I": 255,
    "M": {
     "a": [
      1,
      2
     ]
    },
    "F": 3.14159,
    "T": true
   },
   "out": "hé\"|255|map[a:[1 2]]|\"hé\\\"\"|hé\"       |       hé\"| 3.14|ff|FF|377|11111111|ÿ|U+00FF|3.141590e+00|3.14159|true"
  },
  {
   "template": "{{printf \"%d %s\" .S .I}} {{printf \"%d\"}} {{printf \"%d\" 1 2}} {{printf \"%!\"}} {{printf \"%\"}}",
   "data": {
    "S": "x",
    "I": 1
   },
   "out": "%!d(string=x) %!s(int=1) %!d(MISSING) 1%!(EXTRA int=2) %!!(MISSING) %!(NOVERB)"
  },
  {
   "template": "{{printf \"%05d|%+d|% d|%-5d|%x|%#x|%#o|%08.3f|%+.2e|%.3s|%.0f|%.0f|%.1f\" 42 42 42 42 -255 255 8 3.14159 12345.678 \"abcdef\" 0.5 1.5 0.25}}",
   "data": null,
   "out": "00042|+42| 42|42   |-ff|0xff|010|0003.142|+1.23e+04|abc|0|2|0.2"
  },
  {
   "template": "{{printf \"%v %v %v %v %v\" 1e6 123456.0 0.0001 0.00001 1e21}}",
   "data": null,
   "out": "1000000 123456 0.0001 1e-05 1e+21",
   "deviation": "integral float literals become integers: JavaScript numbers carry no int/float type"
  },
  {
   "template": "{{printf \"%q %+q %#q %x % x\" \"a\\tb\" \"héllo\" \"back\" \"hi\" \"hi\"}}",
   "data": null,
   "out": "\"a\\tb\" \"h\\u00e9llo\" `back` 6869 68 69"
  },
  {
   "template": "{{printf \"%T %T %T %T %T %T\" 1 1.5 \"s\" true .L .M}}",
   "data": {
    "L": [
     1
    ],
    "M": {
     "a": 1
    }
   },
   "out": "int float64 string bool []interface {} map[string]interface {}"
  },
  {
   "template": "{{printf \"%*d|%-*d|%.*f\" 5 1 5 2 2 3.14159}}",
   "data": null,
   "out": "    1|2    |3.14"
  },
  {
   "template": "{{printf \"%[2]s %[1]s\" \"a\" \"b\"}}",
   "data": null,
   "out": "b a"
  },
  {
   "template": "{{len .S}} {{len .L}} {{len .M}}",
   "data": {
    "S": "héllo",
    "L": [
     1,
     2,
     3
    ],
    "M": {
     "a": 1
    }
   },
   "out": "6 3 1"
  },
  {
   "template": "{{eq .A \"x\" \"y\"}} {{ne .A \"x\"}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}}",
   "data": {
    "A": "y"
   },
   "out": "true true true true true false"
  },
  {
   "template": "{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" 3}} {{or 0 \"\"}} {{not 0}} {{not .X}}",
   "data": {},
   "out": "0 2 3  true true"
  },
  {
   "template": "{{- \"a\" -}}  \n  {{- \"b\" }}  {{/* comment */}} x {{- /* c2 */ -}} y",
   "data": null,
   "out": "ab   xy"
  },
  {
   "template": "{{\"{{\"}} literal {{\"}}\"}}",
   "data": null,
   "out": "{{ literal }}"
  },
  {
   "template": "{{`raw\\n`}} {{'a'}} {{0x1F}} {{1_000}} {{-5}} {{.5}} {{true}} {{nil}}",
   "data": null,
   "out": "raw\\n 97 31 1000 -5 0.5 true ",
   "err": "template: :1:64: executing \"\" at <nil>: nil is not a command"
  },
  {
   "template": "{{`raw\\n`}} {{'a'}} {{0x1F}} {{1_000}} {{-5}} {{true}}",
   "data": null,
   "out": "raw\\n 97 31 1000 -5 true"
  },
  {
   "template": "héllo {{.Ü}} 世界",
   "data": {
    "Ü": "ünï"
   },
   "out": "héllo ünï 世界"
  },
  {
   "template": "{{.Foo}",
   "data": null,
   "out": "",
   "err": "template: :1: bad character U+007D '}'"
  },
  {
   "template": "{{.Foo",
   "data": null,
   "out": "",
   "err": "template: :1: unclosed action"
  },
  {
   "template": "{{if .A}}x",
   "data": null,
   "out": "",
   "err": "template: :1: unexpected EOF"
  },
  {
   "template": "{{end}}",
   "data": null,
   "out": "",
   "err": "template: :1: unexpected {{end}}"
  },
  {
   "template": "{{else}}",
   "data": null,
   "out": "",
   "err": "template: :1: unexpected {{else}}"
  },
  {
   "template": "{{nofunc .A}}",
   "data": null,
   "out": "",
   "err": "template: :1: function \"nofunc\" not defined"
  },
  {
   "template": "{{$x}}",
   "data": null,
   "out": "",
   "err": "template: :1: undefined variable \"$x\""
  },
  {
   "template": "{{range .A}}{{break}}{{end}}{{break}}",
   "data": null,
   "out": "",
   "err": "template: :1: {{break}} outside {{range}}"
  },
  {
   "template": "{{.A | 3}}",
   "data": null,
   "out": "",
   "err": "template: :1: non executable command in pipeline stage 2"
  },
  {
   "template": "{{(1).A}}",
   "data": null,
   "out": "",
   "err": "template: :1:3: executing \"\" at <1>: can't evaluate field A in type int"
  },
  {
   "template": "{{\"abc}}",
   "data": null,
   "out": "",
   "err": "template: :1: unterminated quoted string"
  },
  {
   "template": "{{'ab'}}",
   "data": null,
   "out": "",
   "err": "template: :1: malformed character constant: 'ab'"
  },
  {
   "template": "{{3x}}",
   "data": null,
   "out": "",
   "err": "template: :1: bad number syntax: \"3x\""
  },
  {
   "template": "{{.A!}}",
   "data": null,
   "out": "",
   "err": "template: :1: bad character U+0021 '!'"
  },
  {
   "template": "{{#}}",
   "data": null,
   "out": "",
   "err": "template: :1: unexpected \"#\" in command"
  },
  {
   "template": "{{)}}",
   "data": null,
   "out": "",
   "err": "template: :1: unexpected \")\" in command"
  },
  {
   "template": "{{(.A}}",
   "data": null,
   "out": "",
   "err": "template: :1: unclosed left paren"
  },
  {
   "template": "a\nb {{.A\n.B}}\n{{.C | }}",
   "data": null,
   "out": "a\nb <no value>\n<no value>"
  },
  {
   "template": "{{/* unclosed }}",
   "data": null,
   "out": "",
   "err": "template: :1: unclosed comment"
  },
  {
   "template": "{{/* a */ x}}",
   "data": null,
   "out": "",
   "err": "template: :1: comment ends before closing delimiter"
  },
  {
   "template": "{{range $i, $e, $f := .A}}{{end}}",
   "data": null,
   "out": "",
   "err": "template: :1: too many declarations in range"
  },
  {
   "template": "{{$a, $b := 1}}",
   "data": null,
   "out": "",
   "err": "template: :1: too many declarations in command"
  },
  {
   "template": "{{}}",
   "data": null,
   "out": "",
   "err": "template: :1: missing value for command"
  },
  {
   "template": "{{.A.Foo}}",
   "data": {
    "A": "str"
   },
   "out": "",
   "err": "template: :1:4: executing \"\" at <.A.Foo>: can't evaluate field Foo in type interface {}"
  },
  {
   "template": "{{.A.Foo}}",
   "data": {
    "A": [
     1
    ]
   },
   "out": "",
   "err": "template: :1:4: executing \"\" at <.A.Foo>: can't evaluate field Foo in type interface {}"
  },
  {
   "template": "{{.A 1}}",
   "data": {
    "A": "str"
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <.A>: A is not a method but has arguments"
  },
  {
   "template": "{{index .A 5}}",
   "data": {
    "A": [
     1
    ]
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <index .A 5>: error calling index: index out of range: 5"
  },
  {
   "template": "{{index .A \"x\"}}",
   "data": {
    "A": [
     1
    ]
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <index .A \"x\">: error calling index: cannot index slice/array with type string"
  },
  {
   "template": "{{index .A 1}}",
   "data": {
    "A": {
     "x": 1
    }
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <index .A 1>: error calling index: value has type int; should be string"
  },
  {
   "template": "{{index .A 0}}",
   "data": {
    "A": "abc"
   },
   "out": "97"
  },
  {
   "template": "{{index .Missing 0}}",
   "data": {},
   "out": "",
   "err": "template: :1:2: executing \"\" at <index .Missing 0>: error calling index: index of untyped nil"
  },
  {
   "template": "{{index .A 1 0}}",
   "data": {
    "A": [
     [
      1
     ],
     [
      2,
      3
     ]
    ]
   },
   "out": "2"
  },
  {
   "template": "{{slice .A 1 2}} {{slice .S 1}}",
   "data": {
    "A": [
     1,
     2,
     3
    ],
    "S": "hello"
   },
   "out": "[2] ello"
  },
  {
   "template": "{{upper .N}}",
   "data": {
    "N": 5
   },
   "out": "",
   "err": "template: :1:8: executing \"\" at <.N>: wrong type for value; expected string; got int"
  },
  {
   "template": "{{upper .Missing}}",
   "data": {},
   "out": "",
   "err": "template: :1:8: executing \"\" at <.Missing>: invalid value; expected string"
  },
  {
   "template": "{{upper .Nil}}",
   "data": {
    "Nil": null
   },
   "out": "",
   "err": "template: :1:8: executing \"\" at <.Nil>: wrong type for value; expected string; got interface {}"
  },
  {
   "template": "{{upper 5}}",
   "data": {},
   "out": "",
   "err": "template: :1:8: executing \"\" at <5>: expected string; found 5"
  },
  {
   "template": "{{pad .S \"x\" 1}}",
   "data": {
    "S": "a"
   },
   "out": "",
   "err": "template: :1:9: executing \"\" at <\"x\">: expected integer; found \"x\""
  },
  {
   "template": "{{upper}}",
   "data": {},
   "out": "",
   "err": "template: :1:2: executing \"\" at <upper>: wrong number of args for upper: want 1 got 0"
  },
  {
   "template": "{{upper \"a\" \"b\"}}",
   "data": {},
   "out": "",
   "err": "template: :1:2: executing \"\" at <upper>: wrong number of args for upper: want 1 got 2"
  },
  {
   "template": "{{lt .A .B}}",
   "data": {
    "A": "x",
    "B": 1
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <lt .A .B>: error calling lt: incompatible types for comparison"
  },
  {
   "template": "{{eq .A .B}}",
   "data": {
    "A": "x",
    "B": 1
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <eq .A .B>: error calling eq: incompatible types for comparison"
  },
  {
   "template": "{{eq .A .B}}",
   "data": {
    "A": [
     1
    ],
    "B": [
     1
    ]
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <eq .A .B>: error calling eq: non-comparable type [%!s(int=1)]: []interface {}"
  },
  {
   "template": "{{lt true false}}",
   "data": {},
   "out": "",
   "err": "template: :1:2: executing \"\" at <lt true false>: error calling lt: invalid type for comparison"
  },
  {
   "template": "{{eq .Missing \"x\"}} {{eq .Missing nil}}",
   "data": {},
   "out": "false true"
  },
  {
   "template": "{{range .}}{{.}}{{end}}",
   "data": "abc",
   "out": "",
   "err": "template: :1:8: executing \"\" at <.>: range can't iterate over abc"
  },
  {
   "template": "{{range .}}{{.}}{{end}}",
   "data": true,
   "out": "",
   "err": "template: :1:8: executing \"\" at <.>: range can't iterate over true"
  },
  {
   "template": "{{range .}}x{{else}}empty{{end}}",
   "data": [],
   "out": "empty"
  },
  {
   "template": "{{range .}}x{{else}}empty{{end}}",
   "data": {},
   "out": "empty"
  },
  {
   "template": "{{range .X}}x{{else}}empty{{end}}",
   "data": {},
   "out": "empty"
  },
  {
   "template": "{{range $i, $e := .}}{{$i}}:{{$e}} {{end}}",
   "data": [
    "a",
    "b"
   ],
   "out": "0:a 1:b "
  },
  {
   "template": "{{range .}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}",
   "data": [
    1,
    2,
    3,
    4,
    5
   ],
   "out": "13"
  },
  {
   "template": "{{range $i, $e := .}}{{$i}}{{end}}{{$i}}",
   "data": [
    1
   ],
   "out": "",
   "err": "template: :1: undefined variable \"$i\""
  },
  {
   "template": "{{.Missing.Deeper}}",
   "data": {},
   "out": "<no value>"
  },
  {
   "template": "{{json .}}",
   "data": {
    "a": "<>&",
    "b": [],
    "c": {},
    "d": null,
    "e": -0.0,
    "f": 1e-07,
    "g": 1e+21,
    "h": 1e-06
   },
   "out": "{\"a\":\"<>&\",\"b\":[],\"c\":{},\"d\":null,\"e\":-0,\"f\":1e-7,\"g\":1e+21,\"h\":0.000001}"
  },
  {
   "template": "{{json .X}}",
   "data": {},
   "out": "null"
  },
  {
   "template": "{{html .}} {{js .}} {{urlquery .}}",
   "data": "<a href='x'>&\"é= b/c",
   "out": "&lt;a href=&#39;x&#39;&gt;&amp;&#34;é= b/c \\u003Ca href\\u003D\\'x\\'\\u003E\\u0026\\\"é\\u003D b/c %3Ca+href%3D%27x%27%3E%26%22%C3%A9%3D+b%2Fc"
  },
  {
   "template": "{{3}} {{-3}} {{+3}} {{1.5}} {{1e3}}",
   "data": null,
   "out": "3 -3 3 1.5 1000"
  },
  {
   "template": "{{.A}} {{.B}} {{.C}} {{.D}}",
   "data": {
    "A": 1.5,
    "B": 0.1,
    "C": 123456.789,
    "D": 1.0000001
   },
   "out": "1.5 0.1 123456.789 1.0000001"
  },
  {
   "template": "{{define \"x\"}}[{{.}}]{{end}}{{template \"x\" .A}}{{template \"x\"}}",
   "data": {
    "A": 1
   },
   "out": "[1][<no value>]"
  },
  {
   "template": "{{template \"nope\"}}",
   "data": null,
   "out": "",
   "err": "template: :1:11: executing \"\" at <{{template \"nope\"}}>: template \"nope\" not defined"
  },
  {
   "template": "{{block \"b\" .}}B{{.}}{{end}}",
   "data": 2,
   "out": "B2"
  },
  {
   "template": "{{println}}|{{print}}|{{printf \"x\"}}",
   "data": null,
   "out": "\n||x"
  },
  {
   "template": "{{.A.B}}",
   "data": {
    "A": {
     "B": {
      "C": [
       "x",
       {
        "D": true
       }
      ]
     }
    }
   },
   "out": "map[C:[x map[D:true]]]"
  },
  {
   "template": "{{printf \"%s\" .L}} {{printf \"%d\" .L}} {{printf \"%q\" .L}} {{printf \"%v\" .N}} {{printf \"%s\" .N}} {{printf \"%d\" .N}}",
   "data": {
    "L": [
     "a",
     1
    ],
    "N": null
   },
   "out": "[a %!s(int=1)] [%!d(string=a) 1] [\"a\" '\\x01'] <nil> %!s(<nil>) %!d(<nil>)"
  },
  {
   "template": "{{printf \"%5s|%-5s|%05s|%.2s\" \"héllo\" \"é\" \"ab\" \"日本語\"}}",
   "data": null,
   "out": "héllo|é    |000ab|日本"
  },
  {
   "template": "{{printf \"%6.2f|%-8.3e|%g|%G|%.3g|%10.4g\" 3.14159 1234.5678 1e-7 1e-7 1234.5678 0.000123456}}",
   "data": null,
   "out": "  3.14|1.235e+03|1e-07|1E-07|1.23e+03| 0.0001235"
  },
  {
   "template": "{{$}} {{$.A}}",
   "data": {
    "A": 1
   },
   "out": "map[A:1] 1"
  },
  {
   "template": "{{with $x := .A}}{{$x}}{{end}}",
   "data": {
    "A": "v"
   },
   "out": "v"
  },
  {
   "template": "{{if and .A (or .B .C)}}y{{else}}n{{end}}",
   "data": {
    "A": 1,
    "C": "c"
   },
   "out": "y"
  },
  {
   "template": "{{.A | printf \"%s-%s\" \"x\"}}",
   "data": {
    "A": "y"
   },
   "out": "x-y"
  },
  {
   "template": "{{\"x\" | printf \"%s-%s\" .A}}",
   "data": {
    "A": "y"
   },
   "out": "y-x"
  },
  {
   "template": "{{len .A | printf \"%d\"}}",
   "data": {
    "A": [
     1,
     2
    ]
   },
   "out": "2"
  },
  {
   "template": "{{.Foo}}",
   "data": {
    "a": 1
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <.Foo>: map has no entry for key \"Foo\"",
   "missingKey": "error"
  },
  {
   "template": "{{.A.Foo}}",
   "data": {
    "a": 1
   },
   "out": "",
   "err": "template: :1:4: executing \"\" at <.A.Foo>: map has no entry for key \"A\"",
   "missingKey": "error"
  },
  {
   "template": "{{.A}}",
   "data": {
    "a": 1
   },
   "out": "<no value>",
   "missingKey": "zero"
  },
  {
   "template": "{{range 3}}{{.}}{{end}}",
   "data": null,
   "out": "012",
   "deviation": "Go >= 1.22 ranges over integers (docker builds with a current Go)"
  },
  {
   "template": "{{else if}}",
   "data": null,
   "out": "",
   "err": "template: :1: unexpected {{else}}"
  },
  {
   "template": "{{if}}{{end}}",
   "data": null,
   "out": "",
   "err": "template: :1: missing value for if"
  },
  {
   "template": "{{range}}{{end}}",
   "data": null,
   "out": "",
   "err": "template: :1: missing value for range"
  },
  {
   "template": "{{with .A}}{{else with .B}}{{.}}{{end}}",
   "data": {
    "B": "bb"
   },
   "out": "bb",
   "deviation": "Go >= 1.23 accepts {{else with}}"
  },
  {
   "template": "{{.A.B 1}}",
   "data": {
    "A": {
     "B": 1
    }
   },
   "out": "",
   "err": "template: :1:4: executing \"\" at <.A.B>: B is not a method but has arguments"
  },
  {
   "template": "{{99999999999999999999}}",
   "data": null,
   "out": "",
   "err": "template: :1: integer overflow: \"99999999999999999999\""
  },
  {
   "template": "{{\"\\x41\\u00e9\\101\"}}",
   "data": null,
   "out": "AéA"
  },
  {
   "template": "{{\"\\q\"}}",
   "data": null,
   "out": "",
   "err": "template: :1: invalid syntax"
  },
  {
   "template": "{{printf \"%v\" .}}",
   "data": {
    "a": {
     "b": [
      1,
      {
       "c": "d"
      }
     ]
    },
    "e": null
   },
   "out": "map[a:map[b:[1 map[c:d]]] e:<nil>]"
  },
  {
   "template": "{{.a}} {{.b}}",
   "data": {
    "a": 12345678901234,
    "b": -1
   },
   "out": "12345678901234 -1"
  },
  {
   "template": "{{ .A }} {{- .B -}} {{ .C}}",
   "data": {
    "A": "a",
    "B": "b",
    "C": "c"
   },
   "out": "abc"
  },
  {
   "template": "{{.A}}\n{{- .B}}\n {{- /* x */}}\n{{.C -}}\n\n end",
   "data": {
    "A": "a",
    "B": "b",
    "C": "c"
   },
   "out": "ab\ncend"
  },
  {
   "template": "{{-3}} {{- 3}}",
   "data": null,
   "out": "-33"
  },
  {
   "template": "{{not}}",
   "data": null,
   "out": "",
   "err": "template: :1:2: executing \"\" at <not>: wrong number of args for not: want 1 got 0"
  },
  {
   "template": "{{and}}",
   "data": null,
   "out": "",
   "err": "template: :1:2: executing \"\" at <and>: wrong number of args for and: want at least 1 got 0"
  },
  {
   "template": "{{nil}}",
   "data": null,
   "out": "",
   "err": "template: :1:2: executing \"\" at <nil>: nil is not a command"
  },
  {
   "template": "{{.A nil}}",
   "data": {
    "A": "s"
   },
   "out": "",
   "err": "template: :1:2: executing \"\" at <.A>: A is not a method but has arguments"
  },
  {
   "template": "{{print nil 1}}",
   "data": null,
   "out": "<nil> 1"
  },
  {
   "template": "{{upper nil}}",
   "data": null,
   "out": "",
   "err": "template: :1:8: executing \"\" at <nil>: cannot assign nil to string"
  },
  {
   "template": "{{index . \"a\" \"b\"}}",
   "data": {
    "a": {
     "b": "deep"
    }
   },
   "out": "deep"
  },
  {
   "template": "{{.A.B}}",
   "data": {
    "A": null
   },
   "out": "",
   "err": "template: :1:4: executing \"\" at <.A.B>: nil pointer evaluating interface {}.B"
  },
  {
   "template": "{{if .A.B}}x{{end}}",
   "data": {},
   "out": ""
  },
  {
   "template": "{{json .}}",
   "data": "a\u0000</script>",
   "out": "\"a\\u0000</script>\""
  },
  {
   "template": "{{range .A}}{{.Foo}}{{end}}",
   "data": {
    "A": [
     "s"
    ]
   },
   "out": "",
   "err": "template: :1:14: executing \"\" at <.Foo>: can't evaluate field Foo in type interface {}"
  },
  {
   "template": "{{range .A}}{{.B.Foo}}{{end}}",
   "data": {
    "A": [
     {
      "B": 1
     }
    ]
   },
   "out": "",
   "err": "template: :1:16: executing \"\" at <.B.Foo>: can't evaluate field Foo in type interface {}"
  },
  {
   "template": "{{with .A}}{{.Foo}}{{end}}",
   "data": {
    "A": "s"
   },
   "out": "",
   "err": "template: :1:13: executing \"\" at <.Foo>: can't evaluate field Foo in type string"
  },
  {
   "template": "{{$x := .A}}{{$x.Foo}}",
   "data": {
    "A": "s"
   },
   "out": "",
   "err": "template: :1:16: executing \"\" at <$x.Foo>: can't evaluate field Foo in type string"
  },
  {
   "template": "{{.Foo}}",
   "data": "str",
   "out": "",
   "err": "template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo in type string"
  },
  {
   "template": "{{(.A).Foo}}",
   "data": {
    "A": "s"
   },
   "out": "",
   "err": "template: :1:3: executing \"\" at <.A>: can't evaluate field Foo in type string"
  },
  {
   "template": "{{printf \"% x|%X\" \"hi\" \"hi\"}}",
   "data": null,
   "out": "68 69|6869"
  },
  {
   "template": "{{1_000}} {{0x_1F}} {{0b101}} {{0o17}} {{017}}",
   "data": null,
   "out": "1000 31 5 15 15"
  },
  {
   "template": "{{1__0}}",
   "data": null,
   "out": "",
   "err": "template: :1: illegal number syntax: \"1__0\""
  }
 ],
 "sprintf": [
  {
   "args": [
    "%s|%d|%v",
    "a",
    1,
    [
     1,
     "b"
    ]
   ],
   "out": "a|1|[1 b]"
  },
  {
   "args": [
    "%5s|%-5s|%.2s|%5.1s|",
    "ab",
    "ab",
    "abc",
    "xyz"
   ],
   "out": "   ab|ab   |ab|    x|"
  },
  {
   "args": [
    "%d|%+d|% d|%05d|%-5d|%x|%X|%o|%#o|%b|%#x|%#X|%O",
    42,
    42,
    42,
    -42,
    42,
    255,
    255,
    8,
    8,
    5,
    255,
    255,
    8
   ],
   "out": "42|+42| 42|-0042|42   |ff|FF|10|010|101|0xff|0XFF|0o10"
  },
  {
   "args": [
    "%.3d|%.0d|%8.3d",
    7,
    0,
    7
   ],
   "out": "007||     007"
  },
  {
   "args": [
    "%c|%q|%U|%#U",
    65,
    19990,
    128051,
    19990
   ],
   "out": "A|'世'|U+1F433|U+4E16 '世'"
  },
  {
   "args": [
    "%f|%.2f|%8.3f|%-8.2f|%08.2f|%+.1f|% .1f",
    3.14159,
    3.14159,
    3.14159,
    3.14159,
    -3.14159,
    2.5,
    2.5
   ],
   "out": "3.141590|3.14|   3.142|3.14    |-0003.14|+2.5| 2.5"
  },
  {
   "args": [
    "%e|%.2e|%E|%g|%G|%.3g|%.10g",
    123456.789,
    123456.789,
    0.000123,
    123456.789,
    1e-10,
    0.00012345,
    1.5
   ],
   "out": "1.234568e+05|1.23e+05|1.230000E-04|123456.789|1E-10|0.000123|1.5"
  },
  {
   "args": [
    "%.0f|%.0f|%.0f|%.0f|%.1f|%.1f|%.2f",
    0.5,
    1.5,
    2.5,
    3.5,
    0.25,
    0.35,
    1.005
   ],
   "out": "0|2|2|4|0.2|0.3|1.00"
  },
  {
   "args": [
    "%v|%v|%v|%v|%v|%v",
    0.1,
    1e-05,
    123456.5,
    1234567.5,
    1e+20,
    5e-324
   ],
   "out": "0.1|1e-05|123456.5|1.2345675e+06|1e+20|5e-324"
  },
  {
   "args": [
    "%g|%g|%e|%f",
    1e+21,
    1e-07,
    0.0,
    0.0
   ],
   "out": "1e+21|1e-07|0.000000e+00|0.000000"
  },
  {
   "args": [
    "%q|%+q|%#q|%#q|%x|% x|%X",
    "hé\"\n\u0007",
    "日本",
    "a`b",
    "plain",
    "hé",
    "abc",
    "hi"
   ],
   "out": "\"hé\\\"\\n\\a\"|\"\\u65e5\\u672c\"|\"a`b\"|`plain`|68c3a9|61 62 63|6869"
  },
  {
   "args": [
    "%t|%v|%s",
    true,
    false,
    true
   ],
   "out": "true|false|%!s(bool=true)"
  },
  {
   "args": [
    "%d|%s|%f",
    "str",
    5,
    "x"
   ],
   "out": "%!d(string=str)|%!s(int=5)|%!f(string=x)"
  },
  {
   "args": [
    "%d"
   ],
   "out": "%!d(MISSING)"
  },
  {
   "args": [
    "%d %d",
    1
   ],
   "out": "1 %!d(MISSING)"
  },
  {
   "args": [
    "x",
    1,
    "a"
   ],
   "out": "x%!(EXTRA int=1, string=a)"
  },
  {
   "args": [
    "%!|%z|%",
    1
   ],
   "out": "%!!(int=1)|%!z(MISSING)|%!(NOVERB)"
  },
  {
   "args": [
    "%[2]d %[1]d|%[3]d",
    1,
    2
   ],
   "out": "2 1|%!d(BADINDEX)"
  },
  {
   "args": [
    "%*d|%-*d|%.*f",
    6,
    42,
    6,
    42,
    2,
    3.14159
   ],
   "out": "    42|42    |3.14"
  },
  {
   "args": [
    "%v|%d|%s",
    null,
    null,
    null
   ],
   "out": "<nil>|%!d(<nil>)|%!s(<nil>)"
  },
  {
   "args": [
    "%v %+v",
    {
     "b": [
      1,
      2
     ],
     "a": {
      "c": null
     }
    },
    {
     "k": "v"
    }
   ],
   "out": "map[a:map[c:<nil>] b:[1 2]] map[k:v]"
  },
  {
   "args": [
    "%s|%d|%q",
    [
     "a",
     "b"
    ],
    [
     1,
     2
    ],
    [
     "x",
     "y"
    ]
   ],
   "out": "[a b]|[1 2]|[\"x\" \"y\"]"
  },
  {
   "args": [
    "%T|%T|%T|%T|%T|%T",
    1,
    1.5,
    "s",
    true,
    [
     1
    ],
    {
     "a": 1
    }
   ],
   "out": "int|float64|string|bool|[]interface {}|map[string]interface {}"
  },
  {
   "args": [
    "%6.2f%%|%3c|%-4q|",
    99.5,
    120,
    65
   ],
   "out": " 99.50%|  x|'A' |"
  },
  {
   "args": [
    "%x|%X|%x",
    -255,
    3735928559,
    1234567890123
   ],
   "out": "-ff|DEADBEEF|11f71fb04cb"
  },
  {
   "args": [
    "%5t|%-7v|%07.2f|%+05d",
    true,
    "ab",
    -1.5,
    3
   ],
   "out": " true|ab     |-001.50|+0003"
  }
 ],
 "tabwriter": [
  {
   "in": "a\tb\tc\naa\tbb\tcc\n",
   "out": "a         b         c\naa        bb        cc\n"
  },
  {
   "in": "CONTAINER ID\tIMAGE\tNAMES\nabc\tbusybox:latest\tweb\ndef\tnginx\tdb-primary-1\n",
   "out": "CONTAINER ID   IMAGE            NAMES\nabc            busybox:latest   web\ndef            nginx            db-primary-1\n"
  },
  {
   "in": "h1\th2\n",
   "out": "h1        h2\n"
  },
  {
   "in": "h1\th2\nno tabs here\nx\ty\nlonger-first-cell\tz\n",
   "out": "h1        h2\nno tabs here\nx                   y\nlonger-first-cell   z\n"
  },
  {
   "in": "a\tb\n\nc\td\n",
   "out": "a         b\n\nc         d\n"
  },
  {
   "in": "a\t\tc\n\tb\t\n",
   "out": "a                   c\n          b         \n"
  },
  {
   "in": "x\ty\tz\nxx\n\tq\n",
   "out": "x         y         z\nxx\n          q\n"
  },
  {
   "in": "trailing\twithout\tnewline",
   "out": "trailing   without   newline"
  },
  {
   "in": "one\ttwo\nthree\n",
   "out": "one       two\nthree\n"
  },
  {
   "in": "",
   "out": ""
  },
  {
   "in": "\n\n",
   "out": "\n\n"
  },
  {
   "in": "a\tb\fcc\tdd\n",
   "out": "a         b\ncc        dd\n"
  },
  {
   "in": "été\tx\nab\ty\n",
   "out": "été       x\nab        y\n"
  },
  {
   "in": "a\tb\tc\td\na\tb\nverylongcellvalue\tb\tc\td\n",
   "out": "a                   b         c         d\na                   b\nverylongcellvalue   b         c         d\n"
  }
 ],
 "humanSize": [
  {
   "bytes": 0,
   "precision": 4,
   "out": "0B"
  },
  {
   "bytes": 0,
   "precision": 3,
   "out": "0B"
  },
  {
   "bytes": 1,
   "precision": 4,
   "out": "1B"
  },
  {
   "bytes": 1,
   "precision": 3,
   "out": "1B"
  },
  {
   "bytes": 12,
   "precision": 4,
   "out": "12B"
  },
  {
   "bytes": 12,
   "precision": 3,
   "out": "12B"
  },
  {
   "bytes": 999,
   "precision": 4,
   "out": "999B"
  },
  {
   "bytes": 999,
   "precision": 3,
   "out": "999B"
  },
  {
   "bytes": 1000,
   "precision": 4,
   "out": "1kB"
  },
  {
   "bytes": 1000,
   "precision": 3,
   "out": "1kB"
  },
  {
   "bytes": 1001,
   "precision": 4,
   "out": "1.001kB"
  },
  {
   "bytes": 1001,
   "precision": 3,
   "out": "1kB"
  },
  {
   "bytes": 1024,
   "precision": 4,
   "out": "1.024kB"
  },
  {
   "bytes": 1024,
   "precision": 3,
   "out": "1.02kB"
  },
  {
   "bytes": 1500,
   "precision": 4,
   "out": "1.5kB"
  },
  {
   "bytes": 1500,
   "precision": 3,
   "out": "1.5kB"
  },
  {
   "bytes": 9999,
   "precision": 4,
   "out": "9.999kB"
  },
  {
   "bytes": 9999,
   "precision": 3,
   "out": "10kB"
  },
  {
   "bytes": 99999,
   "precision": 4,
   "out": "100kB"
  },
  {
   "bytes": 99999,
   "precision": 3,
   "out": "100kB"
  },
  {
   "bytes": 999499,
   "precision": 4,
   "out": "999.5kB"
  },
  {
   "bytes": 999499,
   "precision": 3,
   "out": "999kB"
  },
  {
   "bytes": 999500,
   "precision": 4,
   "out": "999.5kB"
  },
  {
   "bytes": 999500,
   "precision": 3,
   "out": "1e+03kB"
  },
  {
   "bytes": 999999,
   "precision": 4,
   "out": "1000kB"
  },
  {
   "bytes": 999999,
   "precision": 3,
   "out": "1e+03kB"
  },
  {
   "bytes": 1000000,
   "precision": 4,
   "out": "1MB"
  },
  {
   "bytes": 1000000,
   "precision": 3,
   "out": "1MB"
  },
  {
   "bytes": 1234567,
   "precision": 4,
   "out": "1.235MB"
  },
  {
   "bytes": 1234567,
   "precision": 3,
   "out": "1.23MB"
  },
  {
   "bytes": 45600,
   "precision": 4,
   "out": "45.6kB"
  },
  {
   "bytes": 45600,
   "precision": 3,
   "out": "45.6kB"
  },
  {
   "bytes": 1000000000.0,
   "precision": 4,
   "out": "1GB"
  },
  {
   "bytes": 1000000000.0,
   "precision": 3,
   "out": "1GB"
  },
  {
   "bytes": 1500000000000.0,
   "precision": 4,
   "out": "1.5TB"
  },
  {
   "bytes": 1500000000000.0,
   "precision": 3,
   "out": "1.5TB"
  },
  {
   "bytes": 1000000000000000.0,
   "precision": 4,
   "out": "1PB"
  },
  {
   "bytes": 1000000000000000.0,
   "precision": 3,
   "out": "1PB"
  },
  {
   "bytes": 1e+18,
   "precision": 4,
   "out": "1EB"
  },
  {
   "bytes": 1e+18,
   "precision": 3,
   "out": "1EB"
  },
  {
   "bytes": 1e+21,
   "precision": 4,
   "out": "1ZB"
  },
  {
   "bytes": 1e+21,
   "precision": 3,
   "out": "1ZB"
  },
  {
   "bytes": 1e+24,
   "precision": 4,
   "out": "1YB"
  },
  {
   "bytes": 1e+24,
   "precision": 3,
   "out": "1YB"
  },
  {
   "bytes": 1e+27,
   "precision": 4,
   "out": "1000YB"
  },
  {
   "bytes": 1e+27,
   "precision": 3,
   "out": "1e+03YB"
  },
  {
   "bytes": 1e+30,
   "precision": 4,
   "out": "1e+06YB"
  },
  {
   "bytes": 1e+30,
   "precision": 3,
   "out": "1e+06YB"
  },
  {
   "bytes": 0.5,
   "precision": 4,
   "out": "0.5B"
  },
  {
   "bytes": 0.5,
   "precision": 3,
   "out": "0.5B"
  }
 ],
 "bytesSize": [
  {
   "bytes": 0,
   "out": "0B"
  },
  {
   "bytes": 1,
   "out": "1B"
  },
  {
   "bytes": 1023,
   "out": "1023B"
  },
  {
   "bytes": 1024,
   "out": "1KiB"
  },
  {
   "bytes": 1025,
   "out": "1.001KiB"
  },
  {
   "bytes": 1536,
   "out": "1.5KiB"
  },
  {
   "bytes": 1048575,
   "out": "1024KiB"
  },
  {
   "bytes": 1048576,
   "out": "1MiB"
  },
  {
   "bytes": 1572864,
   "out": "1.5MiB"
  },
  {
   "bytes": 10737418240,
   "out": "10GiB"
  },
  {
   "bytes": 1099511627776,
   "out": "1TiB"
  },
  {
   "bytes": 6192449487634432.0,
   "out": "5.5PiB"
  },
  {
   "bytes": 1208925819614629174706176,
   "out": "1YiB"
  },
  {
   "bytes": 1237940039285380274899124224,
   "out": "1024YiB"
  },
  {
   "bytes": 123456789,
   "out": "117.7MiB"
  }
 ],
 "humanDuration": [
  {
   "ms": -5000,
   "out": "Less than a second"
  },
  {
   "ms": 0,
   "out": "Less than a second"
  },
  {
   "ms": 999,
   "out": "Less than a second"
  },
  {
   "ms": 1000,
   "out": "1 second"
  },
  {
   "ms": 1999,
   "out": "1 second"
  },
  {
   "ms": 2000,
   "out": "2 seconds"
  },
  {
   "ms": 59999,
   "out": "59 seconds"
  },
  {
   "ms": 60000,
   "out": "About a minute"
  },
  {
   "ms": 119999,
   "out": "About a minute"
  },
  {
   "ms": 120000,
   "out": "2 minutes"
  },
  {
   "ms": 3599999,
   "out": "59 minutes"
  },
  {
   "ms": 3600000,
   "out": "About an hour"
  },
  {
   "ms": 5399999,
   "out": "About an hour"
  },
  {
   "ms": 5400000,
   "out": "2 hours"
  },
  {
   "ms": 9000000,
   "out": "3 hours"
  },
  {
   "ms": 172799999,
   "out": "2 days"
  },
  {
   "ms": 172800000,
   "out": "2 days"
  },
  {
   "ms": 1123200000,
   "out": "13 days"
  },
  {
   "ms": 1209600000,
   "out": "2 weeks"
  },
  {
   "ms": 5097600000,
   "out": "8 weeks"
  },
  {
   "ms": 5184000000,
   "out": "2 months"
  },
  {
   "ms": 62985600000,
   "out": "24 months"
  },
  {
   "ms": 63072000000,
   "out": "2 years"
  },
  {
   "ms": 86400000000,
   "out": "2 years"
  }
 ],
 "ellipsis": [
  {
   "s": "sleep infinity",
   "width": 8,
   "out": "sleep i…"
  },
  {
   "s": "sh -c 'sleep 1000'",
   "width": 20,
   "out": "sh -c 'sleep 1000'"
  },
  {
   "s": "/docker-entrypoint.sh nginx -g 'daemon off;'",
   "width": 20,
   "out": "/docker-entrypoint.…"
  },
  {
   "s": "abc",
   "width": 0,
   "out": ""
  },
  {
   "s": "abc",
   "width": 1,
   "out": "a"
  },
  {
   "s": "abc",
   "width": 2,
   "out": "a…"
  },
  {
   "s": "abc",
   "width": 3,
   "out": "abc"
  },
  {
   "s": "abcd",
   "width": 3,
   "out": "ab…"
  },
  {
   "s": "t🐳ststring",
   "width": 0,
   "out": ""
  },
  {
   "s": "t🐳ststring",
   "width": 1,
   "out": "t"
  },
  {
   "s": "t🐳ststring",
   "width": 2,
   "out": "t…"
  },
  {
   "s": "t🐳ststring",
   "width": 6,
   "out": "t🐳st…"
  },
  {
   "s": "t🐳ststring",
   "width": 20,
   "out": "t🐳ststring"
  },
  {
   "s": "你好世界teststring",
   "width": 1,
   "out": "你"
  },
  {
   "s": "你好世界teststring",
   "width": 2,
   "out": "你好世界teststring"
  },
  {
   "s": "你好世界teststring",
   "width": 3,
   "out": "你…"
  },
  {
   "s": "你好世界teststring",
   "width": 6,
   "out": "你好…"
  },
  {
   "s": "你好世界teststring",
   "width": 20,
   "out": "你好世界teststring"
  },
  {
   "s": "日本語のコマンド",
   "width": 7,
   "out": "日本語…"
  },
  {
   "s": "naïve café",
   "width": 5,
   "out": "naïv…"
  }
 ],
 "quote": [
  {
   "s": "sh -c 'sleep 1000'",
   "out": "\"sh -c 'sleep 1000'\""
  },
  {
   "s": "a\"b\\c",
   "out": "\"a\\\"b\\\\c\""
  },
  {
   "s": "tab\there\nnl",
   "out": "\"tab\\there\\nnl\""
  },
  {
   "s": "\u0000\u0007",
   "out": "\"\\x00\\a\\x7f\""
  },
  {
   "s": "日本 é",
   "out": "\"日本 é\""
  },
  {
   "s": " nbsp",
   "out": "\"\\u00a0nbsp\""
  },
  {
   "s": "🐳",
   "out": "\"🐳\""
  },
  {
   "s": " ",
   "out": "\"\\u2028\""
  },
  {
   "s": "​",
   "out": "\"\\u200b\""
  }
 ],
 "ports": [
  {
   "ports": [
    {
     "hostIp": "0.0.0.0",
     "hostPort": 8080,
     "containerPort": 80,
     "protocol": "tcp"
    },
    {
     "hostIp": "::",
     "hostPort": 8080,
     "containerPort": 80,
     "protocol": "tcp"
    }
   ],
   "out": "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"
  },
  {
   "ports": [
    {
     "containerPort": 9988,
     "protocol": "tcp"
    },
    {
     "containerPort": 9989,
     "protocol": "tcp"
    },
    {
     "containerPort": 9990,
     "protocol": "tcp"
    },
    {
     "containerPort": 53,
     "protocol": "udp"
    }
   ],
   "out": "53/udp, 9988-9990/tcp"
  },
  {
   "ports": [
    {
     "hostIp": "0.0.0.0",
     "hostPort": 5000,
     "containerPort": 5000,
     "protocol": "tcp"
    },
    {
     "hostIp": "0.0.0.0",
     "hostPort": 5001,
     "containerPort": 5001,
     "protocol": "tcp"
    },
    {
     "hostIp": "0.0.0.0",
     "hostPort": 5003,
     "containerPort": 5003,
     "protocol": "tcp"
    }
   ],
   "out": "0.0.0.0:5000-5001->5000-5001/tcp, 0.0.0.0:5003->5003/tcp"
  },
  {
   "ports": [
    {
     "containerPort": 80,
     "protocol": "tcp"
    },
    {
     "containerPort": 82,
     "protocol": "tcp"
    },
    {
     "containerPort": 81,
     "protocol": "tcp"
    },
    {
     "containerPort": 90,
     "protocol": "tcp"
    },
    {
     "containerPort": 91,
     "protocol": "tcp"
    },
    {
     "containerPort": 95,
     "protocol": "tcp"
    }
   ],
   "out": "80-82/tcp, 90-91/tcp, 95/tcp"
  },
  {
   "ports": [
    {
     "hostIp": "127.0.0.1",
     "hostPort": 3000,
     "containerPort": 3000,
     "protocol": "tcp"
    },
    {
     "hostIp": "10.0.0.1",
     "hostPort": 3000,
     "containerPort": 3000,
     "protocol": "tcp"
    },
    {
     "hostIp": "::1",
     "hostPort": 3001,
     "containerPort": 3000,
     "protocol": "tcp"
    },
    {
     "containerPort": 3000,
     "protocol": "udp"
    }
   ],
   "out": "3000/udp, 10.0.0.1:3000->3000/tcp, 127.0.0.1:3000->3000/tcp, [::1]:3001->3000/tcp"
  },
  {
   "ports": [
    {
     "hostIp": "fe80::0:1",
     "hostPort": 8000,
     "containerPort": 8000,
     "protocol": "sctp"
    },
    {
     "hostIp": "2001:db8:0:0:1:0:0:1",
     "hostPort": 1,
     "containerPort": 2,
     "protocol": "tcp"
    }
   ],
   "out": "[fe80::1]:8000->8000/sctp, [2001:db8::1:0:0:1]:1->2/tcp"
  },
  {
   "ports": [],
   "out": ""
  }
 ]
};
