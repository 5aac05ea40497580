// Sprout sample: a stdlib-only Go web app.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	// Beanstalk's Go platform default port is 5000.
	port := os.Getenv("PORT")
	if port == "" {
		port = "5000"
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "Hello from go! greeting=%s\n", os.Getenv("GREETING"))
	})

	address := "127.0.0.1:" + port
	log.Printf("go sample listening on %s", address)
	log.Fatal(http.ListenAndServe(address, mux))
}
