module example.com/sprout-sample-go

go 1.19
