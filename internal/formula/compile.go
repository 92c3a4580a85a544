package formula

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

type compiler struct {
	sheet    Sheet
	rows     []string
	rowIdx   map[string]int // sheet key, and its lower case, → index
	cols     []string
	colIdx   map[string]int // sheet code → index
	colNorm  map[string]int // code without leading zeros → index
	formula  map[Cell]int   // formula cell → index in cells
	cells    []Cell
	slotIdx  map[slotKey]int32
	slots    []slotKey
	problems []Problem
	parsed   map[string]parsed // syntax trees by formula text: a column's formula repeats on many rows
}

type parsed struct {
	root *node // never changed by binding
	err  *syntaxError
}

func newCompiler(sheet Sheet) *compiler {
	c := &compiler{sheet: sheet, parsed: make(map[string]parsed)}
	c.rows = sheet.Rows()
	c.rowIdx = make(map[string]int, len(c.rows))
	for i, r := range c.rows {
		if _, dup := c.rowIdx[r]; !dup {
			c.rowIdx[r] = i
		}
	}
	for i, r := range c.rows {
		if l := strings.ToLower(r); l != r {
			if _, dup := c.rowIdx[l]; !dup {
				c.rowIdx[l] = i
			}
		}
	}
	c.cols = sheet.Cols()
	c.colIdx = make(map[string]int, len(c.cols))
	c.colNorm = make(map[string]int, len(c.cols))
	for i, col := range c.cols {
		if _, dup := c.colIdx[col]; !dup {
			c.colIdx[col] = i
		}
		if n, ok := normCol(col); ok {
			if _, dup := c.colNorm[n]; !dup {
				c.colNorm[n] = i
			}
		}
	}
	return c
}

type formulaCell struct {
	cell     Cell
	row, col int
	src      string
}

func (c *compiler) compile(formulas map[Cell]string) (*Program, []Problem) {
	// The formula cells, in sheet order.
	var fcs []formulaCell
	for cell, src := range formulas {
		if strings.TrimSpace(src) == "" {
			continue
		}
		ri, rok := c.rowIdx[cell.Row]
		ci, cok := c.colIdx[cell.Col]
		switch {
		case !rok || c.rows[ri] != cell.Row:
			c.problems = append(c.problems, problemf(cell, 0, "hàng %s không có trong biểu", cell.Row))
			continue
		case !cok:
			c.problems = append(c.problems, problemf(cell, 0, "cột %s không có trong biểu", cell.Col))
			continue
		}
		fcs = append(fcs, formulaCell{cell: cell, row: ri, col: ci, src: src})
	}
	// Sort in sheet order; sorting indexes and then permuting is cheaper
	// than sorting the records.
	idx := make([]int32, len(fcs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		return cmp.Or(cmp.Compare(fcs[a].row, fcs[b].row), cmp.Compare(fcs[a].col, fcs[b].col))
	})
	sorted := make([]formulaCell, len(fcs))
	for i, k := range idx {
		sorted[i] = fcs[k]
	}
	fcs = sorted
	n := len(fcs)
	c.cells = make([]Cell, n)
	c.formula = make(map[Cell]int, n)
	c.slots = make([]slotKey, n, n+n/2)
	c.slotIdx = make(map[slotKey]int32, n)
	for i, f := range fcs {
		c.cells[i] = f.cell
		c.formula[f.cell] = i
		c.slots[i] = slotKey{f.cell, Current}
	}

	p := &Program{cells: c.cells, index: c.formula, roots: make([]*node, n), deps: make([][]Cell, n)}
	adj := make([][]int32, n)  // formula → formula cells it reads
	adjPos := make([][]int, n) // position of the first reference, for messages
	for i, f := range fcs {
		b := binder{c: c, cell: f.cell, row: f.row, src: f.src}
		p.roots[i] = b.compile()
		p.deps[i] = b.deps
		for j, d := range b.deps {
			if k, ok := c.formula[d]; ok {
				adj[i] = append(adj[i], int32(k))
				adjPos[i] = append(adjPos[i], b.depPos[j])
			}
		}
	}

	order, cycles := tarjan(adj)
	for _, comp := range cycles {
		c.reportCycle(comp, adj, adjPos, fcs)
	}
	if len(c.problems) > 0 {
		c.sortProblems()
		return nil, c.problems
	}
	p.order = order
	p.slots = c.slots
	return p, nil
}

func (c *compiler) sortProblems() {
	key := func(cell Cell) (int, int) {
		ri, ok := c.rowIdx[cell.Row]
		if !ok || c.rows[ri] != cell.Row {
			ri = len(c.rows)
		}
		ci, ok := c.colIdx[cell.Col]
		if !ok {
			ci = len(c.cols)
		}
		return ri, ci
	}
	slices.SortStableFunc(c.problems, func(a, b Problem) int {
		ar, ac := key(a.Cell)
		br, bc := key(b.Cell)
		return cmp.Or(cmp.Compare(ar, br), cmp.Compare(ac, bc),
			strings.Compare(a.Cell.Row, b.Cell.Row), strings.Compare(a.Cell.Col, b.Cell.Col))
	})
}

func (c *compiler) slot(cell Cell, p Period) int32 {
	if p == Current {
		if i, ok := c.formula[cell]; ok {
			return int32(i)
		}
	}
	k := slotKey{cell, p}
	if s, ok := c.slotIdx[k]; ok {
		return s
	}
	s := int32(len(c.slots))
	c.slots = append(c.slots, k)
	c.slotIdx[k] = s
	return s
}

// binder checks and binds one formula, making a new tree.
type binder struct {
	c      *compiler
	cell   Cell
	row    int
	src    string
	nodes  int
	tooBig bool
	deps   []Cell
	depPos []int
	depSet map[Cell]struct{}
	msgs   map[string]bool
}

func (b *binder) problem(off int, format string, args ...any) {
	p := problemf(b.cell, runePos(b.src, off), format, args...)
	if b.msgs[p.Message] {
		return
	}
	if b.msgs == nil {
		b.msgs = make(map[string]bool)
	}
	b.msgs[p.Message] = true
	b.c.problems = append(b.c.problems, p)
}

func (b *binder) compile() *node {
	if len(b.src) > MaxLen {
		b.c.problems = append(b.c.problems, problemf(b.cell, 0,
			"công thức quá dài: %d byte, tối đa %d byte", len(b.src), MaxLen))
		return nil
	}
	pr, ok := b.c.parsed[b.src]
	if !ok {
		pr.root, pr.err = parse(b.src)
		b.c.parsed[b.src] = pr
	}
	root, serr := pr.root, pr.err
	if serr != nil {
		pos := runePos(b.src, serr.pos)
		where := fmt.Sprintf("ở ký tự %d", pos)
		if serr.pos >= len(b.src) {
			where = "ở cuối công thức"
		}
		kind := "lỗi cú pháp"
		if serr.depth {
			kind = "công thức lồng quá sâu"
		}
		b.c.problems = append(b.c.problems, problemf(b.cell, pos, "%s %s: %s", kind, where, serr.msg))
		return nil
	}
	return b.bind(root)
}

// count adds k nodes to the formula's size and reports whether it is still
// within the limit.
func (b *binder) count(k int) bool {
	b.nodes += k
	if b.nodes > MaxNodes {
		if !b.tooBig {
			b.tooBig = true
			b.c.problems = append(b.c.problems, problemf(b.cell, 0,
				"công thức quá lớn: hơn %d phần tử sau khi khai triển phạm vi và children", MaxNodes))
		}
		return false
	}
	return true
}

func (b *binder) addDep(cell Cell, pos int) {
	if len(b.deps) < 16 {
		if slices.Contains(b.deps, cell) {
			return
		}
	} else {
		if b.depSet == nil {
			b.depSet = make(map[Cell]struct{}, 2*len(b.deps))
			for _, d := range b.deps {
				b.depSet[d] = struct{}{}
			}
		}
		if _, ok := b.depSet[cell]; ok {
			return
		}
		b.depSet[cell] = struct{}{}
	}
	b.deps = append(b.deps, cell)
	b.depPos = append(b.depPos, pos)
}

// resolve finds the row and column indexes of a reference.
func (b *binder) resolve(n *node) (ri, ci int, ok bool) {
	ok = true
	ri = b.row
	if n.row != "" {
		var found bool
		if ri, found = b.c.rowIdx[n.row]; !found {
			b.problem(n.pos, "tham chiếu đến hàng %s không tồn tại", n.row)
			ok = false
		}
	}
	var found bool
	if ci, found = b.c.colNorm[n.col]; !found {
		b.problem(n.pos, "tham chiếu đến cột %s không tồn tại (biểu có cột %s)", n.col, b.colList())
		ok = false
	}
	return ri, ci, ok
}

func (b *binder) colList() string {
	cols := b.c.cols
	if len(cols) == 0 {
		return "nào"
	}
	if len(cols) > 12 {
		return cols[0] + " đến " + cols[len(cols)-1]
	}
	return strings.Join(cols, ", ")
}

func (b *binder) refNode(ri, ci int, p Period, pos int) *node {
	cell := Cell{b.c.rows[ri], b.c.cols[ci]}
	if p == Current {
		b.addDep(cell, pos)
	}
	return &node{op: opRef, period: p, pos: pos, slot: b.c.slot(cell, p)}
}

func (b *binder) bind(n *node) *node {
	if !b.count(1) {
		return n
	}
	switch n.op {
	case opNum:
		return n
	case opRef:
		ri, ci, ok := b.resolve(n)
		if !ok {
			return n
		}
		return b.refNode(ri, ci, n.period, n.pos)
	case opRange:
		b.problem(n.pos, "phạm vi (dấu ':') chỉ dùng được trong SUM, MIN, MAX, AVG")
		return n
	case opChildren:
		b.problem(n.pos, "children chỉ dùng được trong SUM, MIN, MAX, AVG, ví dụ SUM(children)")
		return n
	case opSum, opMin, opMax, opAvg:
		kids := make([]*node, 0, len(n.kids))
		for _, k := range n.kids {
			switch k.op {
			case opRange:
				kids = append(kids, b.expandRange(k)...)
			case opChildren:
				kids = append(kids, b.expandChildren(k)...)
			default:
				kids = append(kids, b.bind(k))
			}
		}
		n = &node{op: n.op, pos: n.pos, kids: kids}
	default:
		kids := make([]*node, len(n.kids))
		for i, k := range n.kids {
			kids[i] = b.bind(k)
		}
		m := *n
		m.kids = kids
		n = &m
	}

	divZero := false
	if n.op == opMul {
		for i, k := range n.kids {
			if n.inv[i] && k.op == opNum && k.num.IsZero() {
				b.problem(k.pos, "chia cho 0 ở ký tự %d (số chia luôn bằng 0)", runePos(b.src, k.pos))
				divZero = true
			}
		}
	}
	if divZero {
		return n
	}
	for _, k := range n.kids {
		if k.op != opNum {
			return n
		}
	}
	// Every operand is a constant: fold.
	var e evaluator
	v, _ := e.eval(n)
	if e.fail {
		b.problem(n.pos, "phép tính với hằng số ở ký tự %d vượt quá giới hạn của số", runePos(b.src, n.pos))
		return n
	}
	return &node{op: opNum, pos: n.pos, num: v}
}

func (b *binder) expandRange(n *node) []*node {
	from, to := n.kids[0], n.kids[1]
	r1, c1, ok1 := b.resolve(from)
	r2, c2, ok2 := b.resolve(to)
	if !ok1 || !ok2 {
		return nil
	}
	var out []*node
	switch {
	case r1 == r2:
		lo, hi := min(c1, c2), max(c1, c2)
		if !b.count(hi - lo + 1) {
			return nil
		}
		for ci := lo; ci <= hi; ci++ {
			out = append(out, b.refNode(r1, ci, Current, n.pos))
		}
	case c1 == c2:
		lo, hi := min(r1, r2), max(r1, r2)
		if !b.count(hi - lo + 1) {
			return nil
		}
		for ri := lo; ri <= hi; ri++ {
			out = append(out, b.refNode(ri, c1, Current, n.pos))
		}
	default:
		b.problem(n.pos, "phạm vi %s:%s phải nằm trên một hàng (c1:c4) hoặc một cột (r1.c3:r9.c3)",
			Cell{b.c.rows[r1], b.c.cols[c1]}, Cell{b.c.rows[r2], b.c.cols[c2]})
	}
	return out
}

func (b *binder) expandChildren(n *node) []*node {
	children := b.c.sheet.Children(b.cell.Row)
	if len(children) == 0 {
		b.problem(n.pos, "hàng %s không có hàng con nên không dùng được children", b.cell.Row)
		return nil
	}
	if !b.count(len(children)) {
		return nil
	}
	ci := b.c.colIdx[b.cell.Col]
	out := make([]*node, 0, len(children))
	for _, ch := range children {
		ri, ok := b.c.rowIdx[ch]
		if !ok {
			b.problem(n.pos, "hàng con %s của hàng %s không có trong biểu", ch, b.cell.Row)
			continue
		}
		out = append(out, b.refNode(ri, ci, Current, n.pos))
	}
	return out
}

// tarjan finds the strongly connected components of the graph adj. It
// returns the vertices in an order where every vertex comes after those it
// has edges to (when there is no cycle), and the cyclic components.
func tarjan(adj [][]int32) (order []int32, cycles [][]int32) {
	n := len(adj)
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int32
	var counter int32
	order = make([]int32, 0, n)
	var strong func(v int32)
	strong = func(v int32) {
		index[v], low[v] = counter, counter
		counter++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range adj[v] {
			if index[w] < 0 {
				strong(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		start := len(stack) - 1
		for stack[start] != v {
			start--
		}
		comp := slices.Clone(stack[start:])
		for _, w := range comp {
			onStack[w] = false
		}
		stack = stack[:start]
		order = append(order, comp...)
		if len(comp) > 1 || slices.Contains(adj[v], v) {
			slices.Sort(comp)
			cycles = append(cycles, comp)
		}
	}
	for v := range n {
		if index[v] < 0 {
			strong(int32(v))
		}
	}
	return order, cycles
}

// reportCycle adds a problem for every cell of a cyclic component, each
// with a cycle through that cell.
func (c *compiler) reportCycle(comp []int32, adj [][]int32, adjPos [][]int, fcs []formulaCell) {
	in := make(map[int32]bool, len(comp))
	for _, v := range comp {
		in[v] = true
	}
	// For large components, shortest cycles per cell are too costly: go
	// through one root instead.
	var toRoot, fromRoot map[int32]int32
	root := comp[0]
	if len(comp) > 64 {
		fromRoot = bfsParents(root, comp, in, adj, false)
		toRoot = bfsParents(root, comp, in, adj, true)
	}
	for _, v := range comp {
		var path []int32
		if fromRoot == nil || v == root {
			path = shortestCycle(v, in, adj)
		} else {
			// v → … → root, then root → … → v.
			path = []int32{v}
			for x := v; x != root; {
				x = toRoot[x]
				path = append(path, x)
			}
			var back []int32
			for x := v; x != root; x = fromRoot[x] {
				back = append(back, x)
			}
			slices.Reverse(back)
			path = append(path, back...)
		}
		names := make([]string, len(path))
		for i, x := range path {
			names[i] = c.cells[x].String()
		}
		pos := 0
		if len(path) > 1 {
			if k := slices.Index(adj[v], path[1]); k >= 0 {
				pos = runePos(fcs[v].src, adjPos[v][k])
			}
		}
		var msg string
		if len(path) == 2 {
			msg = "ô tự tham chiếu đến chính nó: " + strings.Join(names, " → ")
		} else {
			if len(names) > 13 {
				names = append(append(names[:6:6], fmt.Sprintf("… (%d ô) …", len(names)-12)), names[len(names)-6:]...)
			}
			msg = "tham chiếu vòng: " + strings.Join(names, " → ")
		}
		c.problems = append(c.problems, problemf(c.cells[v], pos, "%s", msg))
	}
}

// shortestCycle returns v, …, v along edges inside the component.
func shortestCycle(v int32, in map[int32]bool, adj [][]int32) []int32 {
	parent := map[int32]int32{}
	queue := []int32{v}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, w := range adj[x] {
			if !in[w] {
				continue
			}
			if w == v {
				path := []int32{v}
				for y := x; y != v; y = parent[y] {
					path = append(path, y)
				}
				slices.Reverse(path[1:])
				return append(path, v)
			}
			if _, seen := parent[w]; !seen {
				parent[w] = x
				queue = append(queue, w)
			}
		}
	}
	return []int32{v, v} // unreachable for a cyclic component
}

// bfsParents explores the component from root. With reverse false it
// returns, for each vertex x, its predecessor on a shortest path root → x;
// with reverse true, its successor on a shortest path x → root.
func bfsParents(root int32, comp []int32, in map[int32]bool, adj [][]int32, reverse bool) map[int32]int32 {
	edges := adj
	if reverse {
		radj := make(map[int32][]int32, len(comp))
		for _, x := range comp {
			for _, w := range adj[x] {
				if in[w] {
					radj[w] = append(radj[w], x)
				}
			}
		}
		edges = make([][]int32, len(adj))
		for x, ws := range radj {
			edges[x] = ws
		}
	}
	parent := map[int32]int32{root: root}
	queue := []int32{root}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, w := range edges[x] {
			if !in[w] {
				continue
			}
			if _, seen := parent[w]; !seen {
				parent[w] = x
				queue = append(queue, w)
			}
		}
	}
	return parent
}
