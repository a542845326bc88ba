'use strict';

export = { suffix: '.html' };
