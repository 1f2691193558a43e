from frontwatch.faces.cli import run

if __name__ == "__main__":  # not when a worker process imports the main module (spawn, forkserver)
    run()
