"""The harness that runs students' Python code inside the sandbox.

These files are copied into the sandbox image (``/opt/gradewell/harness``)
and, for the local backend, run from this directory. They use only the
standard library of Python 3.11.

Design, and why a student cannot forge a verdict:

* The worker sends one request on the sandbox's stdin: the source, the
  inputs of every case (arguments, or stdin text), the limits and a random
  nonce. Expected values never leave the worker, so nothing inside the
  sandbox can read them, and the worker compares results itself.
* ``supervisor.py`` is the sandbox's main process. It reads the request,
  then runs each case in a fresh ``runner.py`` interpreter with new pipes
  for stdin, stdout, stderr, the job and the result, in a new directory of
  its own. The student's code runs only in that runner, so it never holds
  the supervisor's stdout, the request or the nonce. The supervisor sets
  PR_SET_DUMPABLE to 0, which keeps same-user processes out of
  ``/proc/<pid>/fd``, ``environ`` and ``mem``; in a container it is PID 1,
  which ignores signals sent from inside its PID namespace, so the student
  cannot kill it either.
* The supervisor alone writes to the sandbox's stdout: a single JSON report
  carrying the nonce. Output a student prints, including text shaped like a
  report, is a field inside that report, cut at the output limit.
* The supervisor measures time, kills a case at its time or output limit,
  kills every process the case left behind, and removes the case's
  directory before the next case. The runner's own result (a returned value
  or an exception) is trusted only as far as the student's code: forging it
  can change nothing the student could not return directly.
* The backend still bounds the whole run from outside: a wall-time kill,
  memory, process and output caps, and no network.

Mode ``http`` runs a request script against a Flask app. There, one runner
loads the app and answers every step through Flask's test client, so state
carries over between steps. The supervisor sends one step at a time and
kills the runner when a step passes its time or output limit, which stops
the app for the remaining steps. It fills captured values into each step
(``steps.py``) and checks and cuts each reported response. The runner still
shares its process with the student's code, so a forged response can claim
only what the app itself could have answered.
"""
