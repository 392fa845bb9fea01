# The test databases: a PostgreSQL and a MariaDB/MySQL server the tests may
# create and drop databases on. Override on the command line if yours differ.
GORADIUS_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
GORADIUS_TEST_MYSQL    ?= mysql://root@127.0.0.1:3306/
FUZZTIME               ?= 10s

export GORADIUS_TEST_POSTGRES GORADIUS_TEST_MYSQL

.PHONY: test unit fuzz build bench

# Everything, with nothing skipped: a missing database or tool fails the run.
# The fuzz targets run first so that go test's summary closes the output.
test:
	$(MAKE) --no-print-directory fuzz
	GORADIUS_TEST_REQUIRE_DB=1 GORADIUS_TEST_REQUIRE_TOOLS=1 go test -race -count=1 ./...

# The fuzz targets of every parser of outside input, briefly. A failing input
# is saved under testdata/fuzz and fails the seed run that follows; a
# failure that saved nothing is the engine's own (a worker lost under load)
# and gets one more try.
fuzz:
	@set -e; for t in $$(grep -rl --include='*_test.go' '^func Fuzz' internal | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$t/*_test.go | cut -c6-); do \
	    echo "fuzz $$t $$f ($(FUZZTIME))"; \
	    go test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) ./$$t >fuzz.log 2>&1 || { \
	      tail -40 fuzz.log; \
	      go test -run="^$$f$$" ./$$t || exit 1; \
	      echo "no failing input was saved: the fuzzing engine itself failed; trying once more"; \
	      go test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) ./$$t >fuzz.log 2>&1 || { tail -40 fuzz.log; exit 1; }; \
	    }; \
	  done; \
	done; rm -f fuzz.log

# Plain tests: database suites skip with a message when their server is not set.
unit:
	env -u GORADIUS_TEST_POSTGRES -u GORADIUS_TEST_MYSQL go test ./...

build:
	CGO_ENABLED=0 go build -trimpath -o goradius ./cmd/goradius
