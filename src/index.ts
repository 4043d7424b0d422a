// One bundle serves both steps: the runner sets STATE_isPost for the post step once main has saved it.
import * as core from '@actions/core';

if (core.getState('isPost') === 'true') {
  // post step: filled in later
} else {
  core.saveState('isPost', 'true');
}
