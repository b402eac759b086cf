// Package testparallel raises go test's default -parallel for the packages whose tests wait
// (on versitygw, a terminal, a retry's backoff, a key typed every 150 ms) far more than they
// compute: the default, GOMAXPROCS, is 2 on a 2-CPU machine and leaves the CPUs idle.
package testparallel

import (
	"flag"
	"runtime"
	"strconv"
)

// Default sets -test.parallel to n unless the command line gives -parallel, or n is not more
// than go test's own default. TestMain calls it before m.Run.
func Default(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given && n > runtime.GOMAXPROCS(0) {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}
