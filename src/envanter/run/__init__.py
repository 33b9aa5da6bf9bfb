"""Running the build: the pipeline, its batches and the processes they run in."""
