package xlsx

import (
	"bytes"
	"testing"

	"baocao/internal/apperr"
)

// hostileReaderContract: whatever the bytes, a reader answers a refusal an
// official can read (apperr, not Internal, so never a 500), or a result.
func hostileReaderContract(t *testing.T, what string, err error) {
	if err != nil && apperr.Code(err) == apperr.Internal {
		t.Fatalf("%s: an unexpected error instead of a refusal: %v", what, err)
	}
}

// FuzzImportForm feeds the designer's Excel import arbitrary files, from
// real workbooks (the tests' 06/VPCP form, a data download) onwards.
func FuzzImportForm(f *testing.F) {
	f.Add(form06(f))
	f.Add(exportValues(f, valuesForm(), valuesVersion, valuesIn))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("STT;Chỉ tiêu\n1;Dân số\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, _, err := ImportForm(bytes.NewReader(data), int64(len(data)))
		hostileReaderContract(t, "ImportForm", err)
		if err == nil && form == nil {
			t.Fatal("ImportForm: no form and no error")
		}
	})
}

// FuzzReadValues feeds a data upload arbitrary files, from a download of
// the form with values onwards.
func FuzzReadValues(f *testing.F) {
	form := valuesForm()
	f.Add(exportValues(f, form, valuesVersion, valuesIn))
	f.Add(exportValues(f, form, valuesVersion, nil))
	f.Add(form06(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		up, err := ReadValues(bytes.NewReader(data), int64(len(data)), form, valuesVersion)
		hostileReaderContract(t, "ReadValues", err)
		if err == nil && up == nil {
			t.Fatal("ReadValues: no upload and no error")
		}
	})
}
