# Front door of the mixpe build. CMake does the work; these targets only name the usual jobs.
#   make run     install what is missing, build (Release), run the default trace on the default config
#   make test    install what is missing, build everything, run the whole test suite
#   make bench   simulation speed: the core alone, and the co-simulation against the bare harness;
#                the mapper's speed and quality against the exhaustive search
#   make area    yosys area proxy of the PE against a multiplier PE (docs/area.md)
#   make results regenerate docs/results.md: MixPE against its baselines (docs/baselines.md)
# Variables: CONFIG=<hardware.yaml> TRACE=<trace.yaml> BUILD_DIR=<dir> JOBS=<n>

BUILD_DIR ?= build
CONFIG    ?= configs/default.yaml
TRACE     ?= traces/llama2_7b_decoder_block.yaml
JOBS      ?= $(shell nproc)

.PHONY: all deps configure build run test bench lint area results clean

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

bench: configure
	bash bench/sim_speed.sh $(BUILD_DIR)
	bash bench/cosim_speed.sh $(BUILD_DIR)
	bash bench/mapper_search.sh $(BUILD_DIR)

lint:
	verilator --lint-only -Wall --assert -f rtl/rtl.f

area: deps
	bash synth/area.sh

results: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target mixpe
	bash scripts/results.sh --build $(BUILD_DIR) --jobs $(JOBS)

clean:
	rm -rf $(BUILD_DIR)
