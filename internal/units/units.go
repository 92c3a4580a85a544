// Package units keeps the tree of agencies (cơ quan, đơn vị) with validity
// dates and successor links, so that a closed unit keeps its history and a
// past period can be read along the tree as it stood then.
package units

import (
	"regexp"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/vn"
)

// Unit is an agency in the hierarchy.
type Unit struct {
	ID            int64
	Key           string // stable key of seeded units
	Name          string
	Kind          string
	KindName      string
	AgencyCode    string // mã định danh (QĐ 20/2020/QĐ-TTg), e.g. 000.00.00.H49
	TerritoryCode string // administrative-unit code of a commune-level unit
	ParentID      int64  // current parent, 0 for a root
	ParentName    string
	ValidFrom     time.Time
	ValidTo       time.Time // zero while the unit is open; else its last day
	Successors    []Ref
	Depth         int // in a tree listing
}

// Ref names another unit.
type Ref struct {
	ID   int64
	Name string
}

// Closed reports whether the unit had ceased to exist on day.
func (u *Unit) Closed(day time.Time) bool {
	return !u.ValidTo.IsZero() && u.ValidTo.Before(day)
}

// Kind is a kind of unit.
type Kind struct {
	Code string
	Name string
}

// Input is what an administrator types to create or edit a unit.
type Input struct {
	Name          string
	Kind          string
	AgencyCode    string
	TerritoryCode string
	ParentID      int64
	ValidFrom     time.Time
}

var agencyCode = regexp.MustCompile(`^[0-9A-Z]{3}(\.[0-9A-Z]{2}){2}\.[0-9A-Z]{3}$`)

// Validate checks the input and normalises its text.
func (in *Input) Validate() error {
	in.Name = vn.Clean(in.Name)
	in.AgencyCode = vn.Clean(in.AgencyCode)
	in.TerritoryCode = vn.Clean(in.TerritoryCode)
	fields := map[string]string{}
	if in.Name == "" {
		fields["name"] = "Nhập tên cơ quan, đơn vị."
	} else if len([]rune(in.Name)) > 300 {
		fields["name"] = "Tên không được dài quá 300 ký tự."
	}
	if in.Kind == "" {
		fields["kind"] = "Chọn loại đơn vị."
	}
	if in.AgencyCode != "" && !agencyCode.MatchString(in.AgencyCode) {
		fields["agency_code"] = "Mã định danh có dạng 000.00.00.H49 (chữ in hoa và số)."
	}
	if in.ValidFrom.IsZero() {
		fields["valid_from"] = "Nhập ngày bắt đầu hoạt động theo dạng ngày/tháng/năm."
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return nil
}
