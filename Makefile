# Convenience targets; the README's commands work without make.
.PHONY: test race lint bench fuzz demo

test:
	go test ./...

race:
	go test -race -count=1 ./...

lint:
	gofmt -l $$(git ls-files '*.go')
	go vet ./...

bench:
	go test -run '^$$' -bench . -benchmem ./...

demo:
	go run ./cmd/rebound demo
