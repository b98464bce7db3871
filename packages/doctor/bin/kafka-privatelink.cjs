#!/usr/bin/env node
'use strict';
process.stderr.write('kafka-privatelink: no command yet\n');
process.exit(2);
