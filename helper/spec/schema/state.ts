// Schema of the state document (runtime.md "State"), what `berth state`
// prints and hooks receive on stdin.
import { link, names, obj, ref, str, type Schema } from './build';
import { numberDefs, stringMap } from './defs';

export const stateSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://berth.dev/schema/state.json',
  ...obj('The state of a container as the runtime reports it.', {
    ociVersion: str('Version of the runtime-spec the state follows.'),
    id: str('The container\'s ID, unique on this host.'),
    status: names('Where the container is in its lifecycle.', [
      ['creating', 'create is running'],
      ['created', 'create finished; the user process waits for start'],
      ['running', 'the user process runs'],
      ['stopped', 'the user process exited'],
      ['paused', 'frozen by pause (runc, crun and Berth report it though the spec does not list it)'],
    ]),
    pid: { type: 'integer', minimum: 0, markdownDescription: 'PID of the container\'s process on the host, while it is created or running.' },
    bundle: str('Absolute path of the bundle directory.'),
    annotations: ref('StringMap', 'The annotations of the config.'),
  }, { required: ['ociVersion', 'id', 'status', 'bundle'], specLink: link('runtime.md', 'state') }),
  $defs: { ...numberDefs, StringMap: stringMap('Keys and values are both strings.') },
};
