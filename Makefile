# The two commands a new user needs: `make run` and `make test`. Each installs what is
# missing, configures and builds first. CI (CI=true) turns warnings into errors.
PRESET := $(if $(CI),ci,default)
JOBS ?= 2

.PHONY: run test build configure deps diagram format asan tsan clean

run: build
	@if [ -x build/bin/smtpd ]; then exec build/bin/smtpd $(ARGS); \
	else echo "make run: the server (build/bin/smtpd) is not built yet: it comes with the server issue."; \
	     echo "Until then: make test runs the model checks, the core's tests and the transcripts."; exit 1; fi

test: build
	RC_PARAMS="$${RC_PARAMS:-max_success=500}" ctest --preset $(PRESET) -j $(JOBS)

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

configure: deps
	@[ -f build/CMakeCache.txt ] && grep -q "POSTABLE_WERROR:BOOL=$(if $(CI),ON,OFF)" build/CMakeCache.txt \
	  || cmake --preset $(PRESET) >/dev/null

deps:
	@scripts/install-deps

diagram: build
	cmake --build --preset $(PRESET) --target diagram

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

asan: deps
	cmake --preset asan-ubsan >/dev/null && cmake --build --preset asan-ubsan -j $(JOBS) \
	  && ctest --preset asan-ubsan -j $(JOBS)

tsan: deps
	cmake --preset tsan >/dev/null && cmake --build --preset tsan -j $(JOBS) && ctest --preset tsan -j $(JOBS)

clean:
	rm -rf build build-asan build-tsan
