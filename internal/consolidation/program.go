package consolidation

import (
	"encoding/json"
	"fmt"
	"sync"

	"baocao/internal/forms"
	"baocao/internal/formula"
)

// maxPrograms bounds the cache of compiled forms; a receiver works on a
// handful of forms at a time.
const maxPrograms = 16

// programs caches compiled forms by their JSON, which holds everything
// Compile reads: compiling the 300-row form costs ten times more than
// encoding it, and a form in use by a period never changes.
var programs struct {
	sync.Mutex
	byForm map[string]*formula.Program
}

// program returns the compiled formulas of form.
func program(form *forms.Form) (*formula.Program, error) {
	key, err := json.Marshal(form)
	if err != nil {
		return nil, err
	}
	programs.Lock()
	prog, ok := programs.byForm[string(key)]
	programs.Unlock()
	if ok {
		return prog, nil
	}
	prog, problems := form.Compile()
	if len(problems) > 0 {
		return nil, fmt.Errorf("consolidation: form %s does not compile: %s", form.Key, problems[0].Message)
	}
	programs.Lock()
	if len(programs.byForm) >= maxPrograms || programs.byForm == nil {
		programs.byForm = make(map[string]*formula.Program, maxPrograms)
	}
	programs.byForm[string(key)] = prog
	programs.Unlock()
	return prog, nil
}
