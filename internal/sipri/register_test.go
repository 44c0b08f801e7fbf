package sipri

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const header = "Recipient,Supplier,Year of order,,Number ordered,,Weapon designation,Weapon description,Number delivered,,Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,SIPRI TIV of delivered weapons"

func TestReadLatin1(t *testing.T) {
	f, err := os.Open("testdata/register-latin1.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reg, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if reg.Encoding != "Windows-1252" || len(reg.Rows) != 1 || reg.Rows[0].Recipient != "Côte d'Ivoire" {
		t.Errorf("Read(latin1) = %s, %+v; want Windows-1252 and one row for Côte d'Ivoire", reg.Encoding, reg.Rows)
	}
	if reg.HeaderLine != 2 || len(reg.Metadata) != 1 {
		t.Errorf("header at line %d after %d metadata lines, want line 2 after 1", reg.HeaderLine, len(reg.Metadata))
	}
}

func TestReadValues(t *testing.T) {
	reg, err := Read(strings.NewReader("title\n" + header + "\n" +
		"Iran,China,(1992),,150,?,C-802,Anti-ship missile,. .,,1994-1996; (1998),New,,(0.5),. .,\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := reg.Rows[0]
	if r.Line != 3 || !r.OrderYear.Known || !r.OrderYear.Estimated || r.OrderYear.N != 1992 {
		t.Errorf("order year = %+v at line %d, want an estimated 1992 at line 3", r.OrderYear, r.Line)
	}
	if !r.Ordered.Estimated || r.Ordered.N != 150 {
		t.Errorf("ordered = %+v, want 150 flagged ?", r.Ordered)
	}
	if r.Delivered.Known {
		t.Errorf("delivered = %+v, want unknown (. . is not zero)", r.Delivered)
	}
	if got := yearList(r.DeliveryYears); got != "1994, 1995, 1996, (1998)" {
		t.Errorf("years of delivery = %s, want 1994, 1995, 1996, (1998)", got)
	}
	if !r.TIVUnit.Estimated || r.TIVUnit.N != 0.5 || r.TIVOrder.Known || r.TIVDelivered.Known {
		t.Errorf("TIV = %+v %+v %+v, want (0.5), unknown, blank", r.TIVUnit, r.TIVOrder, r.TIVDelivered)
	}
}

// Every refusal names the line and column (with its header) and says what
// the register's layout allows.
func TestReadRefusesWithLineAndColumn(t *testing.T) {
	row := "Iran,China,1992,,150,,C-802,Anti-ship missile,150,,1994,New,,0.12,18,18"
	for _, tc := range []struct {
		name, text string
		line, col  int
		msg        string
	}{
		{"no header", "just,a,csv\n1,2,3\n", 1, 0, "no header line"},
		{"unknown column", "meta\n" + strings.Replace(header, "Comments", "Remarks", 1) + "\n" + row + "\n", 2, 13, `unknown column "Remarks"`},
		{"missing column", "meta\n" + strings.Replace(header, ",SIPRI TIV of delivered weapons", "", 1) + "\n", 2, 0, "lacks the column(s) sipri tiv of delivered weapons"},
		{"unnamed column out of place", strings.Replace(header, "status,", "status,,", 1) + "\n", 1, 13, "unnamed column where none is expected"},
		{"duplicate column", strings.Replace(header, "Comments", "Status", 1) + "\n", 1, 13, "appears twice"},
		{"bad year", header + "\n" + strings.Replace(row, "1992", "92", 1) + "\n", 2, 3, `"92" is not a year`},
		{"bad number", header + "\n" + strings.Replace(row, ",150,,C-802", ",1S0,,C-802", 1) + "\n", 2, 5, `"1S0" is not a number`},
		{"bad flag", header + "\n" + strings.Replace(row, ",150,,C-802", ",150,X,C-802", 1) + "\n", 2, 6, `flag "X"`},
		{"bad years of delivery", header + "\n" + strings.Replace(row, ",1994,", ",1998-1994,", 1) + "\n", 3, 11, "runs backwards"},
		{"bad status", header + "\n" + strings.Replace(row, ",New,", ",Leased,", 1) + "\n", 2, 12, `status "Leased"`},
		{"short row", header + "\n" + "Iran,China,1992\n", 2, 0, "3 cells, but the header has 16 columns"},
		{"no designation", header + "\n" + strings.Replace(row, "C-802", "", 1) + "\n", 2, 7, "weapon designation is empty"},
		{"bare quote", header + "\n" + `Iran,"Chi"na` + "\n", 2, 10, "quote"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "bad years of delivery" {
				tc.text = "meta\n" + tc.text
			}
			_, err := Read(strings.NewReader(tc.text))
			var le *LayoutError
			if !errors.As(err, &le) {
				t.Fatalf("Read = %v, want a LayoutError", err)
			}
			if le.Line != tc.line || le.Column != tc.col || !strings.Contains(le.Error(), tc.msg) {
				t.Errorf("Read = %q (line %d, column %d), want line %d, column %d, mentioning %q", le, le.Line, le.Column, tc.line, tc.col, tc.msg)
			}
		})
	}
}

// A refused register writes nothing: the output folder is not created, and
// a previous import is left as it was.
func TestRefusedImportWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sipri")
	res := convertFile(t, "testdata/register-2024.csv", "2024", testBase(t))
	if err := res.WriteFolder(dir, "testdata/base"); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	_, err := Read(strings.NewReader(header + "\nIran,China,92\n"))
	if err == nil {
		t.Fatal("Read of a short row succeeded, want an error")
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("the previous import changed after a refused read")
	}
	// A folder the importer did not write is never replaced.
	mine := t.TempDir()
	os.WriteFile(filepath.Join(mine, "countries.yaml"), []byte("countries: []\n"), 0o644)
	if err := res.WriteFolder(mine, ""); err == nil || !strings.Contains(err.Error(), "not written by the importer") {
		t.Errorf("WriteFolder(a curated folder) = %v, want a refusal", err)
	}
}

func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			b.WriteString(p + "\n" + string(data))
		}
		return err
	})
	return b.String()
}

// The next release's changes come out exactly: one deal revised, one gone,
// one new, and the rows after the removed one moved up a line.
func TestDiffBetweenReleases(t *testing.T) {
	base := testBase(t)
	dir := filepath.Join(t.TempDir(), "sipri")
	if err := convertFile(t, "testdata/register-2024.csv", "2024", base).WriteFolder(dir, "testdata/base"); err != nil {
		t.Fatal(err)
	}
	next := convertFile(t, "testdata/register-2025.csv", "2025", base)
	changes, err := next.Diff(context.Background(), dir, base.IDs())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.Op+" "+c.What+" "+strings.Join(c.Fields, ","))
	}
	want := []string{
		"update ITEM|transfer/sipri-belarus-cote-d-ivoire-mi-24v-2002|weapon/mi-24v citations",
		"remove ITEM|transfer/sipri-china-pakistan-f-22p-2005-2|weapon/f-22p ",
		"update ITEM|transfer/sipri-north-korea-iran-nodong-1-1987|weapon/nodong-1 citations",
		"add ITEM|transfer/sipri-russia-iran-su-35-2023|weapon/su-35 ",
		"update RECIPIENT|transfer/sipri-belarus-cote-d-ivoire-mi-24v-2002|country/cote-d-ivoire citations",
		"update RECIPIENT|transfer/sipri-china-iran-hq-2-sa-75-2010|country/iran citations",
		"remove RECIPIENT|transfer/sipri-china-pakistan-f-22p-2005-2|country/pakistan ",
		"update RECIPIENT|transfer/sipri-north-korea-iran-nodong-1-1987|country/iran citations",
		"add RECIPIENT|transfer/sipri-russia-iran-su-35-2023|country/iran ",
		"update SUPPLIER|transfer/sipri-belarus-cote-d-ivoire-mi-24v-2002|country/belarus citations",
		"update SUPPLIER|transfer/sipri-china-iran-hq-2-sa-75-2010|country/china citations",
		"remove SUPPLIER|transfer/sipri-china-pakistan-f-22p-2005-2|country/china ",
		"update SUPPLIER|transfer/sipri-north-korea-iran-nodong-1-1987|country/north-korea citations",
		"add SUPPLIER|transfer/sipri-russia-iran-su-35-2023|country/russia ",
		"update country/belarus citations",
		"update country/cote-d-ivoire citations",
		"update country/north-korea citations",
		"update source/sipri-atd document,name,published,title",
		"update transfer/sipri-belarus-cote-d-ivoire-mi-24v-2002 citations",
		"update transfer/sipri-china-iran-c-802-css-n-8-1992 quantityDelivered,quantityOrdered",
		"update transfer/sipri-china-iran-hq-2-sa-75-2010 citations",
		"remove transfer/sipri-china-pakistan-f-22p-2005-2 ",
		"update transfer/sipri-north-korea-iran-nodong-1-1987 citations",
		"add transfer/sipri-russia-iran-su-35-2023 ",
		"update weapon/mi-24v citations",
		"update weapon/nodong-1 citations",
		"add weapon/su-35 ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Diff(2024 → 2025) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
