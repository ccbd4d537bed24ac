# Front door of the mixpe build. CMake does the work; these targets only name the usual jobs.
#   make run     install what is missing, build (Release), run the default trace on the default config
#   make test    install what is missing, build everything, run the whole test suite, then
#                `make sanitize` and `make fuzz`
#   make sanitize the unit tests without RTL under ASan and UBSan, in $(BUILD_DIR)/sanitize
#                (docs/robustness.md)
#   make fuzz    the parsers' libFuzzer targets (clang), each for FUZZ_TIME seconds, in
#                $(BUILD_DIR)/fuzzing (docs/robustness.md)
#   make bench   performance (docs/performance.md): bare harness and co-simulation speed at 16x16,
#                32x32 and 64x64 with their Verilator build times, the analytical model against
#                the co-simulation on every shipped trace, LLaMA-2-7B end to end, a 1000-point
#                sweep; then the mapper's speed and quality against the exhaustive search.
#                BENCH_ARGS=--quick leaves out the hour of batch-64 reference traces
#   make area    yosys area proxy of the PE against a multiplier PE (docs/area.md)
#   make results regenerate docs/results.md: MixPE against its baselines (docs/baselines.md),
#                redoing only the co-simulations whose inputs changed; RESULTS_ARGS=--fresh redoes
#                every one
#   make regress the long random regression of every test config's RTL core, outside CI
#                (docs/verify.md); REGRESS_ARGS="--count N --seed S" to change it
# Variables: CONFIG=<hardware.yaml> TRACE=<trace.yaml> BUILD_DIR=<dir> JOBS=<n> FUZZ_TIME=<s>
#            BENCH_ARGS=<bench/performance.sh options> RESULTS_ARGS=<scripts/results.sh options>

BUILD_DIR ?= build
CONFIG    ?= configs/default.yaml
TRACE     ?= traces/llama2_7b_decoder_block.yaml
JOBS      ?= $(shell nproc)
FUZZ_TIME ?= 60

.PHONY: all deps configure build run test sanitize fuzz bench lint area results regress clean

all: build

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DMIXPE_CONFIG=$(abspath $(CONFIG))

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target mixpe
	$(BUILD_DIR)/mixpe run --config $(CONFIG) --trace $(TRACE)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory sanitize fuzz

# Separate builds configured from the same CMakeLists.txt (cmake/Sanitize.cmake): the libraries
# without RTL or SystemC, and their unit tests or the fuzz targets.
sanitize: deps
	cmake -S . -B $(BUILD_DIR)/sanitize -DMIXPE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(BUILD_DIR)/sanitize -j $(JOBS)
	cd $(BUILD_DIR)/sanitize && UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

fuzz: deps
	cmake -S . -B $(BUILD_DIR)/fuzzing -DMIXPE_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_COMPILER=clang++
	cmake --build $(BUILD_DIR)/fuzzing -j $(JOBS)
	bash fuzz/run.sh --bin-dir $(BUILD_DIR)/fuzzing/fuzz --time $(FUZZ_TIME) --jobs $(JOBS)

bench: configure
	bash bench/performance.sh --build $(BUILD_DIR) $(BENCH_ARGS)
	bash bench/mapper_search.sh $(BUILD_DIR)

lint:
	verilator --lint-only -Wall --assert -f rtl/rtl.f

area: deps
	bash synth/area.sh

results: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target mixpe
	bash scripts/results.sh --build $(BUILD_DIR) --jobs $(JOBS) $(RESULTS_ARGS)

regress: deps
	bash scripts/regress.sh --build $(BUILD_DIR) --jobs $(JOBS) $(REGRESS_ARGS)

clean:
	rm -rf $(BUILD_DIR)
