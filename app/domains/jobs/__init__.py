"""Jobs: background work started by people, with its outcome kept after Redis forgets the job."""
