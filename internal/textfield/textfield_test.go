package textfield

import "testing"

func TestFstabFieldReadsBackWhole(t *testing.T) {
	for in, want := range map[string]string{
		`/var/www/html/wp-content/uploads`: `/var/www/html/wp-content/uploads`,
		"my uploads\tdir":                  `my\040uploads\011dir`,
		`back\slash`:                       `back\134slash`,
		"line\nbreak":                      `line\012break`,
	} {
		if got := Fstab(in); got != want {
			t.Errorf("Fstab(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOneLineDropsLineBreaks(t *testing.T) {
	if got := OneLine("key\r\nINJECTED=1"); got != "keyINJECTED=1" {
		t.Errorf("OneLine = %q", got)
	}
}
