"""arq jobs and their WorkerSettings; each job is thin and calls a core service."""
